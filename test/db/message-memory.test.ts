import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryMessageMemory, type MessageMemory } from '#platform';
import { RedisMessageMemory } from '../../libs/platform/src/memory/redis-message-memory.js';
import { REDIS_URL, uniquePrefix } from '../support/databases.js';

const redis = new Redis(REDIS_URL, { lazyConnect: true });
redis.on('error', () => undefined);
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
