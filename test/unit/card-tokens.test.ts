import { describe, expect, it } from 'vitest';
import { SaldoConfig } from '#config';
import { CardTokens, CARD_TOKEN_PATTERN } from '#pipeline';
import { InMemoryMessageMemory } from '#platform';

/** The in-memory twin at the port, recording what is written to it. */
class RecordingMemory extends InMemoryMessageMemory {
  readonly writes: Array<{ key: string; value: string; ttlMs: number }> = [];
  override async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.writes.push({ key, value, ttlMs });
    await super.set(key, value, ttlMs);
  }
}

const card = { panHash: 'a'.repeat(64), issuerId: 'issuer-1', bin: '476173', last4: '0010' };
const config = new SaldoConfig({});

describe('CardTokens', () => {
  it('issues a QR-alphanumeric token of 130 random bits that lives 120 seconds by default', async () => {
    const memory = new RecordingMemory();
    const before = Date.now();
    const { token, expiresAt } = await new CardTokens(memory, config).issue({ card, cardholderId: 'h1' });
    expect(token).toMatch(CARD_TOKEN_PATTERN);
    expect(token).toMatch(/^[0-9A-Z $%*+\-./:]+$/); // QR alphanumeric mode's character set
    expect(expiresAt.getTime() - before).toBeGreaterThanOrEqual(120_000);
    expect(expiresAt.getTime() - before).toBeLessThan(121_000);
    expect(memory.writes.map((w) => w.ttlMs)).toEqual([120_000, 120_000]);
    const tokens = new Set(await Promise.all(Array.from({ length: 200 }, async () => (await new CardTokens(memory, config).issue({ card, cardholderId: 'h1' })).token)));
    expect(tokens.size).toBe(200);
  });

  it('stores only a keyed hash of the token, with the card on file and its holder', async () => {
    const memory = new RecordingMemory();
    const { token } = await new CardTokens(memory, config).issue({ card, cardholderId: 'h1' });
    const [write, latest] = memory.writes;
    expect(write.key).toMatch(/^card-token:[0-9a-f]{64}$/);
    expect(JSON.parse(write.value)).toMatchObject({ card, cardholderId: 'h1' });
    // The cardholder's live token for the card is pointed at by its stored key, not the token.
    expect(latest).toMatchObject({ key: expect.stringMatching(/^card-token:latest:[0-9a-f]{64}$/), value: write.key });
    for (const w of memory.writes) expect(`${w.key} ${w.value}`).not.toContain(token);
  });

  it('ends the previous token for the same card when a new one is issued, not those for other cards', async () => {
    const tokens = new CardTokens(new InMemoryMessageMemory(), config);
    const first = await tokens.issue({ card, cardholderId: 'h1' });
    const otherCard = await tokens.issue({ card: { ...card, panHash: 'b'.repeat(64), last4: '0014' }, cardholderId: 'h1' });
    const second = await tokens.issue({ card, cardholderId: 'h1' });
    expect(await tokens.isLive(first.token)).toBe(false);
    expect(await tokens.redeem(first.token)).toBeUndefined();
    expect(await tokens.redeem(second.token)).toEqual({ card, cardholderId: 'h1' });
    expect(await tokens.redeem(otherCard.token)).toMatchObject({ cardholderId: 'h1', card: { last4: '0014' } });
  });

  it('answers a token once', async () => {
    const tokens = new CardTokens(new InMemoryMessageMemory(), config);
    const { token } = await tokens.issue({ card, cardholderId: 'h1' });
    const [first, second] = await Promise.all([tokens.redeem(token), tokens.redeem(token)]);
    expect([first, second].filter(Boolean)).toEqual([{ card, cardholderId: 'h1' }]);
    expect(await tokens.redeem(token)).toBeUndefined();
  });

  it('refuses an expired token, an unknown one and one that is not a token at all', async () => {
    let now = Date.now();
    const memory = new InMemoryMessageMemory();
    const tokens = new CardTokens(memory, new SaldoConfig({ QR_TOKEN_TTL_SECONDS: '600' }), () => now);
    const { token } = await tokens.issue({ card, cardholderId: 'h1' });
    now += 600_000; // the store still holds it; the token's own expiry refuses it
    expect(await tokens.redeem(token)).toBeUndefined();
    expect(await tokens.redeem(`SQ${'A'.repeat(26)}`)).toBeUndefined();
    expect(await tokens.redeem('not a token')).toBeUndefined();
  });
});
