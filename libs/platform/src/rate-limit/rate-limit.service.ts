import { Inject, Injectable } from '@nestjs/common';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { SaldoConfig } from '#config';
import { RedisConnections } from '../redis/redis-connections.js';
import { RespScript, type RespConnection } from '../redis/resp-connection.js';

/** What a limit is counted per. Keys must never hold a PAN: cards are keyed by the PAN's keyed hash. */
export type RateDimension = 'card' | 'partner' | 'terminal' | 'phone' | 'auth-failure' | 'auth-failure-ip';

/** Many clients can sit behind one address (a partner's NAT), so an address may fail this many times more. */
const IP_FAILURE_FACTOR = 10;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

const ALLOWED: RateDecision = { allowed: true };

interface Limit {
  points: number;
  durationSeconds: number;
}

/**
 * rate-limiter-flexible's own fixed-window script (the same keys, counts and expiry), for each
 * key in turn: several limits counted in one command, where the library sends one per limit.
 */
const INCR_EACH = new RespScript(`
local out = {}
for i, key in ipairs(KEYS) do
  local secs = ARGV[i]
  redis.call('set', key, 0, 'EX', secs, 'NX')
  local consumed = redis.call('incrby', key, 1)
  local ttl = redis.call('pttl', key)
  if ttl == -1 then
    redis.call('expire', key, secs)
    ttl = 1000 * secs
  end
  out[#out + 1] = consumed
  out[#out + 1] = ttl
end
return out`);

/** One hit back on a live count, never below zero, never starting a window of its own. */
const REFUND = new RespScript(`
local consumed = tonumber(redis.call('get', KEYS[1]) or '0')
if consumed > 0 then redis.call('decr', KEYS[1]) end
return 0`);

/**
 * One limiter per dimension, shared by every gateway instance through Redis, with an in-memory
 * insurance limiter that takes over (at a per-instance share) while Redis is unreachable. Without
 * Redis (embedded mode) the limits are in memory.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters: Record<RateDimension, RateLimiterAbstract>;
  private readonly limits: Record<RateDimension, Limit>;
  private readonly prefix: string;
  /** The shared counters' connection (undefined in embedded mode) and their insurance, as the library uses them. */
  private readonly redis: RespConnection | undefined;
  private readonly insurance = new Map<RateDimension, RateLimiterMemory>();

  constructor(@Inject(SaldoConfig) config: SaldoConfig, @Inject(RedisConnections) redis: RedisConnections) {
    const r = config.rateLimits;
    const limits: Record<RateDimension, Limit> = (this.limits = {
      card: { points: r.cardPerMinute, durationSeconds: 60 },
      partner: { points: r.partnerPerSecond, durationSeconds: 1 },
      terminal: { points: r.terminalPerMinute, durationSeconds: 60 },
      phone: { points: r.phonePerMinute, durationSeconds: 60 },
      'auth-failure': { points: r.authFailuresPer15Minutes, durationSeconds: 900 },
      'auth-failure-ip': { points: r.authFailuresPer15Minutes * IP_FAILURE_FACTOR, durationSeconds: 900 },
    });
    const prefix = (this.prefix = config.redis?.prefix ?? 'saldo');
    this.redis = redis.general;
    const build = (dimension: RateDimension): RateLimiterAbstract => {
      const { points, durationSeconds: duration } = limits[dimension];
      const keyPrefix = `${prefix}:rl:${dimension}`;
      if (!redis.limiter) return new RateLimiterMemory({ keyPrefix, points, duration });
      const insuranceLimiter = new RateLimiterMemory({ keyPrefix, points, duration });
      this.insurance.set(dimension, insuranceLimiter);
      return new RateLimiterRedis({
        storeClient: redis.limiter,
        keyPrefix,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter,
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
    const [decision] = await this.consumeEach([[dimension, key]]);
    return decision ?? ALLOWED;
  }

  /**
   * One hit against each (dimension, key), all limits counted the one way: on Redis one script (one
   * command, one round trip) with rate-limiter-flexible's keys and window; while Redis is not ready,
   * each limit's in-memory insurance; in embedded mode, the in-memory limiters.
   */
  async consumeEach(hits: ReadonlyArray<readonly [RateDimension, string]>): Promise<RateDecision[]> {
    let counted: number[] | undefined;
    if (this.redis?.ready) {
      const keys = hits.map(([dimension, key]) => this.sharedKey(dimension, key));
      const seconds = hits.map(([dimension]) => this.limits[dimension].durationSeconds);
      counted = await this.redis.evalScript(INCR_EACH, keys, seconds).then(counts, () => undefined);
    }
    if (!counted) return Promise.all(hits.map(([dimension, key]) => this.consumeInMemory(dimension, key)));
    const shared = counted;
    return hits.map(([dimension], i) =>
      (shared[2 * i] ?? 0) > this.limits[dimension].points ? { allowed: false, retryAfterMs: Math.max(shared[2 * i + 1] ?? 0, 1) } : ALLOWED,
    );
  }

  /** The in-memory count: the insurance limiter while Redis is away, the only limiter without Redis. */
  private async consumeInMemory(dimension: RateDimension, key: string): Promise<RateDecision> {
    try {
      await (this.insurance.get(dimension) ?? this.limiters[dimension]).consume(key);
      return ALLOWED;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(rejection.msBeforeNext, 1) };
      throw rejection;
    }
  }

  /**
   * Gives one hit back: for limits on failures that count every attempt before it is checked (so
   * that attempts in parallel cannot pass the limit together), an attempt that turned out right.
   */
  async refund(dimension: RateDimension, key: string): Promise<void> {
    // The same store the hit went to: the shared counters, else the in-memory ones.
    if (this.redis?.ready) {
      const refunded = await this.redis.evalScript(REFUND, [this.sharedKey(dimension, key)], []).then(
        () => true,
        () => false,
      );
      if (refunded) return;
    }
    const limiter = this.insurance.get(dimension) ?? this.limiters[dimension];
    const count = await limiter.get(key);
    if (count && count.consumedPoints > 0) await limiter.reward(key, 1);
  }

  /** A count's Redis key: rate-limiter-flexible's own (`<keyPrefix>:<key>`), so its reads and resets see the scripts' hits. */
  private sharedKey(dimension: RateDimension, key: string): string {
    return `${this.prefix}:rl:${dimension}:${key}`;
  }

  async reset(dimension: RateDimension, key: string): Promise<void> {
    await this.limiters[dimension].delete(key);
  }
}

/** The script's answer: [count, ttl] per key; anything else counts as Redis not answering. */
function counts(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((n) => typeof n === 'number') ? value : undefined;
}
