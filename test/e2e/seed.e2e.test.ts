import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SaldoConfig } from '#config';
import { DEMO_CARDS, seedDemo, seedDepsFrom } from '#seed';
import { startTestApp, tokenFor, type TestApp } from '../support/test-app.js';

const storage = inject('storage');

describe(`demo seed (${storage})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('seed', storage);
  });
  afterAll(async () => {
    await t?.close();
  });

  const snapshot = async () => ({
    issuers: await t.prisma.issuer.count(),
    binRanges: await t.prisma.binRange.count(),
    cardholders: await t.prisma.cardholder.count(),
    phones: await t.prisma.phoneNumber.count(),
    cards: await t.prisma.card.findMany({ orderBy: { id: 'asc' }, select: { id: true, panHash: true, pinVerificationData: true, status: true } }),
    accounts: await t.prisma.account.findMany({ orderBy: { id: 'asc' }, select: { id: true, available: true, ledger: true, pending: true } }),
    transactions: await t.prisma.transaction.count(),
    partners: await t.prisma.partnerClient.findMany({ orderBy: { clientId: 'asc' }, select: { clientId: true, secretHash: true } }),
    operators: await t.prisma.operator.count(),
    keys: await t.prisma.key.findMany({ orderBy: { ref: 'asc' }, select: { ref: true, kcv: true } }),
    terminals: await t.prisma.terminal.findMany({ orderBy: { tid: 'asc' } }),
  });

  it('creates exactly the demo dataset, and running it again changes nothing', async () => {
    const before = await snapshot();
    expect(before).toMatchObject({ issuers: 2, binRanges: 2, cardholders: 2, phones: 2, operators: 3 });
    expect(before.cards).toHaveLength(DEMO_CARDS.length);
    expect(before.accounts).toHaveLength(6);
    expect(before.transactions).toBeGreaterThan(60);
    expect(before.keys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ref: 'TPK.SALDO003', kcv: '06332B' }),
        expect.objectContaining({ ref: 'TAK.SALDO003', kcv: '08D7B4' }),
      ]),
    );
    expect(before.keys.map((k) => k.ref)).toEqual([
      'BDK.AES.DEMO',
      'BDK.TDES.DEMO',
      'PAN_HASH',
      'PHONE_PVK',
      'PVK',
      'TAK.SALDO003',
      'TPK.IVR',
      'TPK.SALDO003',
      'TPK.SEED',
    ]);
    expect(before.terminals.map((x) => x.tid)).toEqual(['SALDO001', 'SALDO002', 'SALDO003']);

    await seedDemo(seedDepsFrom(t.app, new SaldoConfig(t.env)));
    expect(await snapshot()).toEqual(before);
    expect(await tokenFor(t.baseUrl, 'harbor-app', 'harbor-app-secret')).toEqual(expect.any(String));
  });

  it('stores no PAN, PIN or clear key anywhere', async () => {
    const dump = JSON.stringify(
      {
        cards: await t.prisma.card.findMany(),
        keys: await t.prisma.key.findMany(),
        holders: await t.prisma.cardholder.findMany(),
        accounts: await t.prisma.account.findMany(),
      },
      (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );
    for (const c of DEMO_CARDS) expect(dump).not.toContain(c.pan);
    expect(dump).not.toMatch(/"(1234|4321|8888|0000|135790|246802)"/);
  });

  it('answers health and OpenAPI', async () => {
    const ready = await fetch(`${t.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: true, redis: true, crypto: true } });
    expect((await fetch(`${t.baseUrl}/health/live`)).status).toBe(200);
    const doc = (await (await fetch(`${t.baseUrl}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/oauth/token', '/v1/balance-inquiries', '/v1/transaction-searches']));
  });
});
