import { Inject, Injectable } from '@nestjs/common';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { SaldoConfig } from '#config';
import { RedisConnections } from '../redis/redis-connections.js';

/** What a limit is counted per. Keys must never hold a PAN: cards are keyed by the PAN's keyed hash. */
export type RateDimension = 'card' | 'partner' | 'terminal' | 'phone' | 'auth-failure' | 'auth-failure-ip';

/** Many clients can sit behind one address (a partner's NAT), so an address may fail this many times more. */
const IP_FAILURE_FACTOR = 10;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Limit {
  points: number;
  durationSeconds: number;
}

/**
 * One limiter per dimension, shared by every gateway instance through Redis, with an in-memory
 * insurance limiter that takes over (at a per-instance share) while Redis is unreachable. Without
 * Redis (embedded mode) the limits are in memory.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters: Record<RateDimension, RateLimiterAbstract>;

  constructor(@Inject(SaldoConfig) config: SaldoConfig, @Inject(RedisConnections) redis: RedisConnections) {
    const r = config.rateLimits;
    const limits: Record<RateDimension, Limit> = {
      card: { points: r.cardPerMinute, durationSeconds: 60 },
      partner: { points: r.partnerPerSecond, durationSeconds: 1 },
      terminal: { points: r.terminalPerMinute, durationSeconds: 60 },
      phone: { points: r.phonePerMinute, durationSeconds: 60 },
      'auth-failure': { points: r.authFailuresPer15Minutes, durationSeconds: 900 },
      'auth-failure-ip': { points: r.authFailuresPer15Minutes * IP_FAILURE_FACTOR, durationSeconds: 900 },
    };
    const prefix = config.redis?.prefix ?? 'saldo';
    const build = (dimension: RateDimension): RateLimiterAbstract => {
      const { points, durationSeconds: duration } = limits[dimension];
      const keyPrefix = `${prefix}:rl:${dimension}`;
      if (!redis.limiter) return new RateLimiterMemory({ keyPrefix, points, duration });
      return new RateLimiterRedis({
        storeClient: redis.limiter,
        keyPrefix,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      });
    };
    this.limiters = {
      card: build('card'),
      partner: build('partner'),
      terminal: build('terminal'),
      phone: build('phone'),
      'auth-failure': build('auth-failure'),
      'auth-failure-ip': build('auth-failure-ip'),
    };
  }

  async consume(dimension: RateDimension, key: string): Promise<RateDecision> {
    try {
      await this.limiters[dimension].consume(key);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterMs: Math.max(rejection.msBeforeNext, 1) };
      }
      throw rejection;
    }
  }

  /** Whether the key is already over its limit, without counting a hit. */
  async isExceeded(dimension: RateDimension, key: string): Promise<RateDecision> {
    const limiter = this.limiters[dimension];
    const res = await limiter.get(key);
    if (res && res.consumedPoints >= limiter.points) {
      return { allowed: false, retryAfterMs: Math.max(res.msBeforeNext, 1) };
    }
    return { allowed: true };
  }

  async reset(dimension: RateDimension, key: string): Promise<void> {
    await this.limiters[dimension].delete(key);
  }
}
