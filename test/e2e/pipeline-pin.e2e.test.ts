import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Pan } from '#domain';
import { DEV_LMK } from '#config';
import { encryptPinBlockForSeed, KeyStore, type EncryptedPinBlock } from '#hsm';
import { BalancePipeline, type BalanceQuery } from '#pipeline';
import { DEMO_KEY_REFS } from '#seed';
import { startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');

// The POS channel (issue 4) will drive the pipeline with PIN blocks; this proves the PIN step and
// the shared try counter now, through the real crypto service and the real database.
describe(`pipeline PIN verification (${storage})`, () => {
  let t: TestApp;
  let pipeline: BalancePipeline;
  let n = 0;

  const block = async (pan: string, pin: string): Promise<EncryptedPinBlock> =>
    encryptPinBlockForSeed({
      pin,
      pan: Pan.fromTrusted(pan),
      format: 'ISO-0',
      keyRef: DEMO_KEY_REFS.seedPinEntry,
      lmkHex: DEV_LMK,
      keyStore: t.app.get(KeyStore),
    });
  const ask = async (pan: string, pinBlock: EncryptedPinBlock) => {
    const query: BalanceQuery = {
      channel: 'pos',
      correlationId: `pin-test-${storage}-${++n}`,
      requester: { kind: 'partner', clientId: 'wallet-app', scopes: ['balances:read'] },
      card: { pan },
      credential: { kind: 'pin-block', pinBlock },
      question: { kind: 'balance' },
    };
    return pipeline.run(query);
  };

  beforeAll(async () => {
    t = await startTestApp('pin', storage, { RATE_CARD_PER_MINUTE: '1000' });
    pipeline = t.app.get(BalancePipeline);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('approves the right PIN and answers the balances', async () => {
    const result = await ask('6217000000000014', await block('6217000000000014', '8888'));
    expect(result.outcome).toBe('APPROVED');
    expect(result.balances?.[0]).toMatchObject({ currency: 'CNY', available: 888888n });
  });

  it('locks the card on the third wrong PIN in a row, then refuses even the right one', async () => {
    const pan = '6217000000000022';
    const outcomes = [];
    for (const pin of ['1111', '2222', '3333', '0000']) outcomes.push((await ask(pan, await block(pan, pin))).outcome);
    expect(outcomes).toEqual(['WRONG_PIN', 'WRONG_PIN', 'PIN_TRIES_EXCEEDED', 'PIN_TRIES_EXCEEDED']);
    const card = await t.prisma.card.findFirst({ where: { last4: '0022' } });
    expect(card?.pinTries).toBe(3);
    expect(card?.pinLockedAt).not.toBeNull();

    // An operator unlock (issue 6 gives it a screen) makes the right PIN work again.
    await t.prisma.card.update({ where: { id: card!.id }, data: { pinTries: 0, pinLockedAt: null } });
    expect((await ask(pan, await block(pan, '0000'))).outcome).toBe('APPROVED');
  });

  it('resets the counter after a right PIN', async () => {
    const pan = '4761739001010010';
    expect((await ask(pan, await block(pan, '9999'))).outcome).toBe('WRONG_PIN');
    expect((await ask(pan, await block(pan, '9998'))).outcome).toBe('WRONG_PIN');
    expect((await ask(pan, await block(pan, '1234'))).outcome).toBe('APPROVED');
    expect((await t.prisma.card.findFirst({ where: { last4: '0010' } }))?.pinTries).toBe(0);
  });

  it('counts concurrent wrong PINs exactly (one atomic update each)', async () => {
    const pan = '6217000000000014';
    const wrong = await Promise.all(Array.from({ length: 5 }, async () => ask(pan, await block(pan, '1357'))));
    const outcomes = wrong.map((r) => r.outcome).sort();
    expect(outcomes.filter((o) => o === 'WRONG_PIN')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'PIN_TRIES_EXCEEDED')).toHaveLength(3);
    expect((await t.prisma.card.findFirst({ where: { last4: '0014' } }))?.pinLockedAt).not.toBeNull();
  });

  it('answers SECURITY_ERROR for a PIN block under an unknown key, without counting a try', async () => {
    const pan = '4761739001010010';
    const good = await block(pan, '1234');
    const result = await ask(pan, { ...good, keyRef: 'TPK.NOPE' });
    expect(result.outcome).toBe('SECURITY_ERROR');
    expect((await t.prisma.card.findFirst({ where: { last4: '0010' } }))?.pinTries).toBe(0);
  });
});
