import { Global, Module } from '@nestjs/common';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { RedisConnections } from './redis-connections.js';

/** Redis connections (when configured) and the rate limiter built on them. */
@Global()
@Module({ providers: [RedisConnections, RateLimitService], exports: [RedisConnections, RateLimitService] })
export class RedisModule {}
