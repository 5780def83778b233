import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SaldoConfig } from '#config';
import { createRedis } from './redis.factory.js';

/** The shared Redis connections, or undefined in embedded mode (no REDIS_URL). */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly general: Redis | undefined;
  readonly limiter: Redis | undefined;

  constructor(@Inject(SaldoConfig) config: SaldoConfig) {
    if (config.redis) {
      this.general = createRedis(config.redis.url, 'general', this.logger);
      this.limiter = createRedis(config.redis.url, 'limiter', this.logger);
    }
  }

  async ping(): Promise<boolean> {
    if (!this.general) return true;
    try {
      return (await this.general.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.general?.quit(), this.limiter?.quit()]);
  }
}
