import type { Redis } from 'ioredis';
import { MessageMemory } from './message-memory.port.js';

export class RedisMessageMemory extends MessageMemory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  /** SET … NX GET (Redis 7): stores unless present and answers the value found, in one command. */
  claim(key: string, value: string, ttlMs: number): Promise<string | null> {
    return this.redis.set(this.prefix + key, value, 'PX', ttlMs, 'NX', 'GET');
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  /** GETDEL (Redis 6.2+) is atomic: a GET followed by a DEL would let two instances both redeem. */
  take(key: string): Promise<string | null> {
    return this.redis.getdel(this.prefix + key);
  }
}
