import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postJson, startTestApp, tokenFor, type TestApp } from '../support/test-app.js';

const storage = inject('storage');

// A ledger that does not answer in time: another session holds an exclusive lock on the cards
// table, so the lookup blocks in PostgreSQL itself (embedded PGlite has no second session).
describe.skipIf(storage !== 'postgres')('issuer core that does not answer in time', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('issuer-timeout', storage, { ISSUER_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 ISSUER_UNAVAILABLE with Retry-After within the timeout, audited, and recovers', async () => {
    const token = await tokenFor(t.baseUrl, 'wallet-app', 'wallet-app-secret');
    const locker = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE cards IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const res = await postJson(t.baseUrl, '/v1/balance-inquiries', token, { pan: '4761739001010010' });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('ISSUER_UNAVAILABLE');
      expect(res.headers.get('retry-after')).toBe('5');
      expect(elapsed).toBeLessThan(5_000);
      await locker.query('ROLLBACK');
      const row = await t.prisma.auditEvent.findFirst({ where: { correlationId: res.body.inquiryId } });
      expect(row?.outcome).toBe('ISSUER_UNAVAILABLE');
    } finally {
      await locker.end();
    }
    const after = await postJson(t.baseUrl, '/v1/balance-inquiries', token, { pan: '4761739001010010' });
    expect(after.status).toBe(200);
  });
});
