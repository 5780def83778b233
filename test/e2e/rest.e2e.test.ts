import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_CARDS } from '#seed';
import { postJson, startTestApp, tokenFor, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const BALANCE = '/v1/balance-inquiries';
const SEARCH = '/v1/transaction-searches';
// Valid Luhn, HARBOR's BIN, not issued.
const UNISSUED_HARBOR_PAN = '4761739001010044';
// Valid Luhn, a BIN no issuer serves.
const UNKNOWN_BIN_PAN = '4000000000000002';

describe(`REST channel end to end (${storage})`, () => {
  let t: TestApp;
  let wallet: string;
  let harbor: string;
  const inquiryIds: string[] = [];

  const balance = async (pan: string, token = wallet, extra: Record<string, unknown> = {}) => {
    const res = await postJson(t.baseUrl, BALANCE, token, { pan, ...extra });
    if (typeof res.body?.inquiryId === 'string') inquiryIds.push(res.body.inquiryId);
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp('rest', storage);
    wallet = await tokenFor(t.baseUrl, 'wallet-app', 'wallet-app-secret');
    harbor = await tokenFor(t.baseUrl, 'harbor-app', 'harbor-app-secret');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('POST /oauth/token', () => {
    it('issues a bearer token for HTTP Basic credentials', async () => {
      const res = await fetch(`${t.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('wallet-app:wallet-app-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'balances:read transactions:read' });
      expect(body.expires_in).toBeGreaterThan(0);
      expect(String(body.access_token).split('.')).toHaveLength(3);
    });

    it('accepts credentials in a JSON body', async () => {
      const res = await postJson(t.baseUrl, '/oauth/token', undefined, {
        grant_type: 'client_credentials',
        client_id: 'harbor-app',
        client_secret: 'harbor-app-secret',
      });
      expect(res.status).toBe(200);
      expect(res.body.access_token).toEqual(expect.any(String));
    });

    it('refuses a wrong secret with 401 invalid_client as problem+json', async () => {
      const res = await postJson(t.baseUrl, '/oauth/token', undefined, {
        grant_type: 'client_credentials',
        client_id: 'harbor-app',
        client_secret: 'not-the-secret',
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', error: 'invalid_client' });
      expect(JSON.stringify(res.body)).not.toContain('not-the-secret');
    });

    it('refuses another grant type with 400 unsupported_grant_type', async () => {
      const res = await postJson(t.baseUrl, '/oauth/token', undefined, { grant_type: 'password', client_id: 'x', client_secret: 'y' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_grant_type');
    });

    it('refuses a scope the client was not granted', async () => {
      const res = await postJson(t.baseUrl, '/oauth/token', undefined, {
        grant_type: 'client_credentials',
        client_id: 'harbor-app',
        client_secret: 'harbor-app-secret',
        scope: 'balances:write',
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
    });
  });

  describe('POST /v1/balance-inquiries', () => {
    it('answers Alice’s HARBOR card with both accounts in minor units', async () => {
      const res = await balance('4761739001010010');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        card: { last4: '0010', issuer: 'HARBOR' },
        accounts: [
          { type: 'checking', currency: 'USD', available: 123456, ledger: 130000, pending: 6544 },
          { type: 'savings', currency: 'USD', available: 1000000, ledger: 1000000, pending: 0 },
        ],
      });
      expect(res.body.inquiryId).toBe(res.headers.get('x-correlation-id'));
      expect(Date.parse(res.body.asOf)).not.toBeNaN();
      expect(JSON.stringify(res.body)).not.toContain('4761739001010010');
    });

    it('answers the LOTUS cards in CNY', async () => {
      const li = await balance('6217000000000014');
      expect(li.status).toBe(200);
      expect(li.body.accounts).toEqual([{ type: 'savings', currency: 'CNY', available: 888888, ledger: 900000, pending: 11112 }]);
      const alice = await balance('6217000000000022');
      expect(alice.status).toBe(200);
      expect(alice.body.card).toEqual({ last4: '0022', issuer: 'LOTUS' });
      expect(alice.body.accounts[0]).toMatchObject({ currency: 'CNY', available: 10000, ledger: 10000 });
    });

    it('accepts a matching expiry and refuses a wrong one like an unknown card', async () => {
      expect((await balance('4761739001010010', wallet, { expiry: '3012' })).status).toBe(200);
      const wrong = await balance('4761739001010010', wallet, { expiry: '2912' });
      expect(wrong.status).toBe(404);
      expect(wrong.body.code).toBe('UNKNOWN_CARD');
    });

    it('says 410 EXPIRED_CARD for the expired card', async () => {
      const res = await balance('4761739001010028');
      expect(res.status).toBe(410);
      expect(res.body).toMatchObject({ code: 'EXPIRED_CARD', status: 410 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });

    it('says 410 CARD_BLOCKED for the lost card', async () => {
      const res = await balance('4761739001010036');
      expect(res.status).toBe(410);
      expect(res.body.code).toBe('CARD_BLOCKED');
      expect(res.body.detail).toContain('LOST');
    });

    it('says 404 UNKNOWN_CARD for a card that was never issued, and NO_SUCH_ISSUER for an unserved BIN', async () => {
      const unknown = await balance(UNISSUED_HARBOR_PAN);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('UNKNOWN_CARD');
      const noIssuer = await balance(UNKNOWN_BIN_PAN);
      expect(noIssuer.status).toBe(404);
      expect(noIssuer.body.code).toBe('NO_SUCH_ISSUER');
    });

    it('answers a LOTUS card to harbor-app exactly like an unknown card', async () => {
      const denied = await balance('6217000000000014', harbor);
      const unknown = await balance(UNISSUED_HARBOR_PAN, harbor);
      expect(denied.status).toBe(404);
      const strip = (b: Record<string, unknown>) => ({ ...b, inquiryId: undefined, instance: undefined });
      expect(strip(denied.body)).toEqual(strip(unknown.body));
      expect((await balance('4761739001010010', harbor)).status).toBe(200);
    });

    it.each([
      ['a wrong check digit', { pan: '4761739001010011' }, 'pan: check digit (Luhn) is wrong'],
      ['letters in the PAN', { pan: '47617390010100AB' }, 'pan: must contain digits only'],
      ['an unknown field', { pan: '4761739001010010', cvv: '123' }, 'body: unknown field(s) cvv'],
      ['a malformed expiry', { pan: '4761739001010010', expiry: '3013' }, 'expiry: must be YYMM'],
      ['no PAN at all', {}, 'pan: must contain digits only'],
    ])('refuses %s with 400 FORMAT_ERROR naming the problem', async (_, body, problem) => {
      const res = await postJson(t.baseUrl, BALANCE, wallet, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('FORMAT_ERROR');
      expect(res.body.errors).toContain(problem);
      expect(JSON.stringify(res.body)).not.toMatch(/476173900101001/);
      inquiryIds.push(res.body.inquiryId);
    });

    it('refuses malformed JSON with a problem document', async () => {
      const res = await postJson(t.baseUrl, BALANCE, wallet, '{"pan": "4761739001010010"');
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(res.body)).not.toContain('4761739001010010');
    });

    it('needs a valid bearer token', async () => {
      const none = await postJson(t.baseUrl, BALANCE, undefined, { pan: '4761739001010010' });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      const forged = await postJson(t.baseUrl, BALANCE, `${wallet.slice(0, -4)}AAAA`, { pan: '4761739001010010' });
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('UNAUTHENTICATED');
    });

    it('needs the balances:read scope (403)', async () => {
      const historyOnly = await tokenFor(t.baseUrl, 'wallet-app', 'wallet-app-secret', 'transactions:read');
      const res = await balance('4761739001010010', historyOnly);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('REQUESTER_NOT_PERMITTED');
      expect(res.headers.get('www-authenticate')).toContain('insufficient_scope');
    });

    it('replays the same answer for the same Idempotency-Key and body, and refuses another body (422)', async () => {
      const key = `test-${Date.now()}`;
      const first = await postJson(t.baseUrl, BALANCE, wallet, { pan: '4761739001010010' }, { 'idempotency-key': key });
      const again = await postJson(t.baseUrl, BALANCE, wallet, { pan: '4761739001010010' }, { 'idempotency-key': key });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      inquiryIds.push(first.body.inquiryId);
      const other = await postJson(t.baseUrl, BALANCE, wallet, { pan: '6217000000000014' }, { 'idempotency-key': key });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const rows = await t.prisma.auditEvent.count({ where: { correlationId: first.body.inquiryId } });
      expect(rows).toBe(1);
      // The replay is a query of its own in the audit trail, with the stored outcome.
      const replays = await t.prisma.auditEvent.findMany({ where: { channel: 'rest', detail: { path: ['replay'], equals: true } } });
      expect(replays.map((r) => [r.outcome, r.cardLast4])).toEqual([['APPROVED', '0010']]);
    });

    it('sends security headers', async () => {
      const res = await balance('4761739001010010');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toContain('max-age');
      expect(res.headers.get('x-powered-by')).toBeNull();
    });
  });

  describe('POST /v1/transaction-searches', () => {
    const window = () => {
      const to = new Date();
      const from = new Date(to.getTime() - 40 * 86_400_000);
      return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
    };

    it('pages through a card’s history newest first without gaps or repeats', async () => {
      const all: { id: string; postedAt: string }[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await postJson(t.baseUrl, SEARCH, wallet, { pan: '4761739001010010', ...window(), limit: 7, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        expect(res.body.transactions.length).toBeLessThanOrEqual(7);
        all.push(...res.body.transactions);
        cursor = res.body.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 50);
      const expected = await t.prisma.transaction.count({
        where: { account: { cards: { some: { cardId: DEMO_CARDS[0].id } } } },
      });
      expect(expected).toBeGreaterThan(14);
      expect(all).toHaveLength(expected);
      expect(new Set(all.map((x) => x.id)).size).toBe(expected);
      const times = all.map((x) => Date.parse(x.postedAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('filters by type and period', async () => {
      const res = await postJson(t.baseUrl, SEARCH, wallet, { pan: '4761739001010010', ...window(), types: ['deposit', 'fee'], limit: 100 });
      expect(res.status).toBe(200);
      expect(res.body.transactions.length).toBeGreaterThan(0);
      for (const tx of res.body.transactions) expect(['deposit', 'fee']).toContain(tx.type);
      const fees = res.body.transactions.filter((x: { type: string }) => x.type === 'fee');
      for (const f of fees) expect(f.amount).toBeLessThan(0);
      const empty = await postJson(t.baseUrl, SEARCH, wallet, { pan: '4761739001010010', from: '2001-01-01', to: '2001-01-31' });
      expect(empty.body.transactions).toEqual([]);
      expect(empty.body.nextCursor).toBeNull();
    });

    it('refuses a cursor it did not issue and a reversed period', async () => {
      const bad = await postJson(t.baseUrl, SEARCH, wallet, { pan: '4761739001010010', ...window(), cursor: 'bm9wZQ' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toContain('cursor: is not a cursor this API issued');
      const reversed = await postJson(t.baseUrl, SEARCH, wallet, { pan: '4761739001010010', from: '2026-02-01', to: '2026-01-01' });
      expect(reversed.status).toBe(400);
      expect(reversed.body.errors).toContain('from: must be before to');
    });

    it('needs the transactions:read scope', async () => {
      const balancesOnly = await tokenFor(t.baseUrl, 'wallet-app', 'wallet-app-secret', 'balances:read');
      const res = await postJson(t.baseUrl, SEARCH, balancesOnly, { pan: '4761739001010010', ...window() });
      expect(res.status).toBe(403);
    });
  });

  describe('audit and secrets', () => {
    it('left exactly one audit row per answered or refused query, with the card masked', async () => {
      expect(inquiryIds.length).toBeGreaterThan(15);
      const rows = await t.prisma.auditEvent.findMany({ where: { correlationId: { in: inquiryIds } } });
      expect(rows).toHaveLength(new Set(inquiryIds).size);
      const byOutcome = new Set(rows.map((r) => r.outcome));
      for (const o of ['APPROVED', 'EXPIRED_CARD', 'CARD_BLOCKED', 'UNKNOWN_CARD', 'NO_SUCH_ISSUER', 'FORMAT_ERROR', 'REQUESTER_NOT_PERMITTED']) {
        expect(byOutcome).toContain(o);
      }
      const approved = rows.find((r) => r.outcome === 'APPROVED' && r.cardLast4 === '0010');
      expect(approved).toMatchObject({ channel: 'rest', requester: 'partner:wallet-app', cardMasked: '476173******0010', issuerCode: 'HARBOR' });
      expect(approved!.latencyMicros).toBeGreaterThan(0);
    });

    it('the audit table cannot be changed', async () => {
      await expect(t.prisma.auditEvent.updateMany({ data: { outcome: 'APPROVED' } })).rejects.toThrow();
      await expect(t.prisma.auditEvent.deleteMany({})).rejects.toThrow();
    });

    it('no log line and no audit row holds a card number, a client secret or a token', async () => {
      await new Promise((r) => setTimeout(r, 200));
      const logs = readFileSync(t.logFile, 'utf8');
      expect(logs.length).toBeGreaterThan(1000);
      expect(logs).toContain('/v1/balance-inquiries');
      const audit = JSON.stringify(
        await t.prisma.auditEvent.findMany(),
        (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
      );
      const secrets = [
        ...DEMO_CARDS.map((c) => c.pan),
        UNISSUED_HARBOR_PAN,
        UNKNOWN_BIN_PAN,
        '4761739001010011',
        'harbor-app-secret',
        'wallet-app-secret',
        wallet.split('.')[2],
      ];
      for (const s of secrets) {
        expect(logs.includes(s), `log holds ${s.slice(0, 6)}…`).toBe(false);
        expect(audit.includes(s), `audit holds ${s.slice(0, 6)}…`).toBe(false);
      }
    });
  });
});
