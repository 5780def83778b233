import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '@nestjs/common';

/**
 * One ioredis connection. `purpose` picks the options that matter: BullMQ needs
 * `maxRetriesPerRequest: null` (blocking commands); the rate limiter must fail fast instead of
 * queueing commands while Redis is away (its in-memory insurance limiter takes over). The hot
 * path's commands go over RespConnection instead.
 */
export function createRedis(url: string, purpose: 'queue' | 'limiter', logger: Logger): Redis {
  const options: RedisOptions =
    purpose === 'queue' ? { maxRetriesPerRequest: null } : { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 };
  const redis = new Redis(url, { ...options, lazyConnect: false });
  let lastReported = 0;
  // Without a listener ioredis prints "Unhandled error event" for every reconnect attempt.
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastReported > 10_000) {
      lastReported = now;
      logger.warn(`redis (${purpose}) error: ${err.message}`);
    }
  });
  return redis;
}
