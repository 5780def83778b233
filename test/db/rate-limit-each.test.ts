import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SaldoConfig } from '#config';
import { RateLimitService, RedisConnections } from '#platform';
import { REDIS_URL, uniquePrefix } from '../support/databases.js';

// consumeEach counts several limits in one Redis script: it must decide exactly as consume does,
// on the same keys (so refund and reset act on its hits), on Redis and in memory (embedded mode).
const modes: Array<[string, Record<string, string>]> = [
  ['Redis', { REDIS_URL, REDIS_PREFIX: uniquePrefix('rl-each') }],
  ['in memory', {}],
];

describe.each(modes)('RateLimitService.consumeEach (%s)', (_name, env) => {
  const config = new SaldoConfig({ ...env, DATABASE_URL: 'postgresql://x@127.0.0.1/x', RATE_CARD_PER_MINUTE: '2', RATE_TERMINAL_PER_MINUTE: '3' });
  const redis = new RedisConnections(config);
  const limits = new RateLimitService(config, redis);
  // Before the connections are ready the insurance limiter would answer: wait, so the script is what is tested.
  beforeAll(async () => {
    await redis.general?.send(['PING']);
    const limiter = redis.limiter;
    if (limiter && limiter.status !== 'ready') await new Promise((resolve) => limiter.once('ready', resolve));
  });
  afterAll(() => redis.onApplicationShutdown());

  it('counts each limit on its own, refusing past its points with a wait within its window', async () => {
    const allowed: boolean[][] = [];
    for (let i = 0; i < 4; i++) {
      const decisions = await limits.consumeEach([
        ['terminal', 'T-each'],
        ['card', 'card-each'],
      ]);
      allowed.push(decisions.map((d) => d.allowed));
      for (const d of decisions) {
        if (!d.allowed) expect(d.retryAfterMs > 0 && d.retryAfterMs <= 60_000).toBe(true);
      }
    }
    expect(allowed).toEqual([
      [true, true],
      [true, true],
      [true, false],
      [false, false],
    ]);
    if (redis.limiter) expect(await redis.limiter.get(`${env.REDIS_PREFIX}:rl:card:card-each`)).toBe('4');
  });

  it('shares its counts with consume, refund and reset', async () => {
    expect((await limits.consumeEach([['card', 'card-shared']]))[0].allowed).toBe(true);
    expect((await limits.consume('card', 'card-shared')).allowed).toBe(true);
    // A hit given back makes room for exactly one more.
    await limits.refund('card', 'card-shared');
    expect((await limits.consume('card', 'card-shared')).allowed).toBe(true);
    expect((await limits.consumeEach([['card', 'card-shared']]))[0].allowed).toBe(false);
    await limits.reset('card', 'card-shared');
    expect((await limits.consumeEach([['card', 'card-shared']]))[0].allowed).toBe(true);
  });

  it('a refund never takes a count below zero or starts a window: no credit for later', async () => {
    await limits.refund('card', 'card-credit');
    await limits.refund('card', 'card-credit');
    const allowed = [];
    for (let i = 0; i < 3; i++) allowed.push((await limits.consume('card', 'card-credit')).allowed);
    expect(allowed).toEqual([true, true, false]);
    if (redis.limiter) expect(await redis.limiter.get(`${env.REDIS_PREFIX}:rl:card:card-credit`)).toBe('3');
  });
});
