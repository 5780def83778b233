import { afterAll, describe, expect, it } from 'vitest';
import { SaldoConfig } from '#config';
import { RateLimitService, RedisConnections } from '#platform';

// Nothing listens on port 1: the Redis limiter cannot answer, the in-memory insurance limiter must.
describe('rate limits while Redis is unreachable', () => {
  const config = new SaldoConfig({ REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgresql://x@127.0.0.1/x', RATE_CARD_PER_MINUTE: '2' });
  const redis = new RedisConnections(config);
  const limits = new RateLimitService(config, redis);
  afterAll(async () => {
    redis.general?.disconnect();
    redis.limiter?.disconnect();
  });

  it('keep counting in memory instead of failing the query', async () => {
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push((await limits.consume('card', 'hash-of-a-card')).allowed);
    expect(decisions).toEqual([true, true, false]);
  });
});
