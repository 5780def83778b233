import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryMessageMemory, type MessageMemory } from '#platform';
import { RedisMessageMemory } from '../../libs/platform/src/memory/redis-message-memory.js';
import { RespConnection } from '../../libs/platform/src/redis/resp-connection.js';
import { REDIS_URL, uniquePrefix } from '../support/databases.js';

const redis = new RespConnection(REDIS_URL);
afterAll(() => redis.quit());

const drivers: Array<[string, () => MessageMemory]> = [
  ['Redis', () => new RedisMessageMemory(redis, `${uniquePrefix('memory')}:`)],
  ['in memory', () => new InMemoryMessageMemory()],
];

describe.each(drivers)('MessageMemory.take (%s)', (_name, make) => {
  it('returns the value once and leaves nothing behind', async () => {
    const memory = make();
    await memory.set('k', 'v', 60_000);
    expect(await memory.take('k')).toBe('v');
    expect(await memory.take('k')).toBeNull();
    expect(await memory.get('k')).toBeNull();
  });

  it('gives the value to exactly one of many racing takers', async () => {
    const memory = make();
    await memory.set('race', 'once', 60_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => memory.take('race')));
    expect(results.filter((r) => r !== null)).toEqual(['once']);
  });

  it('returns nothing for an expired or absent key', async () => {
    const memory = make();
    await memory.set('short', 'v', 20);
    await new Promise((r) => setTimeout(r, 60));
    expect(await memory.take('short')).toBeNull();
    expect(await memory.take('never-set')).toBeNull();
  });
});

describe.each(drivers)('MessageMemory.claim (%s)', (_name, make) => {
  it('stores when absent, then answers the stored value without replacing it', async () => {
    const memory = make();
    expect(await memory.claim('c', 'first', 60_000)).toBeNull();
    expect(await memory.claim('c', 'second', 60_000)).toBe('first');
    expect(await memory.get('c')).toBe('first');
  });

  it('lets exactly one of many racing claimers store', async () => {
    const memory = make();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => memory.claim('claim-race', `v${i}`, 60_000)));
    expect(results.filter((r) => r === null)).toHaveLength(1);
    const winner = await memory.get('claim-race');
    expect(results.filter((r) => r !== null).every((r) => r === winner)).toBe(true);
  });

  it('claims again once the first claim has expired', async () => {
    const memory = make();
    expect(await memory.claim('brief', 'old', 20)).toBeNull();
    await new Promise((r) => setTimeout(r, 60));
    expect(await memory.claim('brief', 'new', 60_000)).toBeNull();
    expect(await memory.get('brief')).toBe('new');
  });
});
