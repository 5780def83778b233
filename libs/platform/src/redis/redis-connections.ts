import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SaldoConfig } from '#config';
import { createRedis } from './redis.factory.js';
import { RespConnection } from './resp-connection.js';

/**
 * The shared Redis connections, or undefined in embedded mode (no REDIS_URL): `general` carries
 * the hot path (message memory, the rate-limit counters), `limiter` what rate-limiter-flexible
 * still does itself (reading and resetting a limit, its in-memory insurance).
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly general: RespConnection | undefined;
  readonly limiter: Redis | undefined;

  constructor(@Inject(SaldoConfig) config: SaldoConfig) {
    if (config.redis) {
      this.general = new RespConnection(config.redis.url, { name: 'redis (general)', warn: (m) => this.logger.warn(m) });
      this.limiter = createRedis(config.redis.url, 'limiter', this.logger);
    }
  }

  async ping(): Promise<boolean> {
    if (!this.general) return true;
    try {
      return (await this.general.send(['PING'])) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.general?.quit(), this.limiter?.quit()]);
  }
}
