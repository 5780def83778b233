import type { RespConnection } from '../redis/resp-connection.js';
import type { RespValue } from '../redis/resp-reader.js';
import { MessageMemory } from './message-memory.port.js';

export class RedisMessageMemory extends MessageMemory {
  constructor(
    private readonly redis: RespConnection,
    private readonly prefix: string,
  ) {
    super();
  }

  /** SET … NX GET (Redis 7): stores unless present and answers the value found, in one command. */
  async claim(key: string, value: string, ttlMs: number): Promise<string | null> {
    return text(await this.redis.send(['SET', this.prefix + key, value, 'PX', ttlMs, 'NX', 'GET']));
  }

  async get(key: string): Promise<string | null> {
    return text(await this.redis.send(['GET', this.prefix + key]));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.send(['SET', this.prefix + key, value, 'PX', ttlMs]);
  }

  async delete(key: string): Promise<void> {
    await this.redis.send(['DEL', this.prefix + key]);
  }

  /** GETDEL (Redis 6.2+) is atomic: a GET followed by a DEL would let two instances both redeem. */
  async take(key: string): Promise<string | null> {
    return text(await this.redis.send(['GETDEL', this.prefix + key]));
  }
}

function text(value: RespValue): string | null {
  if (value === null || typeof value === 'string') return value;
  throw new Error('Redis answered a string command with another type');
}
