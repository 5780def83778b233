import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleForm } from '../support/console.js';
import { postJson, startTestApp, tokenFor, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const PUBLIC = 'http://saldo.test';

describe(`rate limits (${storage})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('limits', storage, {
      RATE_CARD_PER_MINUTE: '3',
      RATE_PARTNER_PER_SECOND: '1000',
      RATE_AUTH_FAILURES_PER_15_MINUTES: '3',
      PUBLIC_BASE_URL: PUBLIC,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses the 4th query on one card within a minute with 429 and Retry-After, and audits it', async () => {
    const token = await tokenFor(t.baseUrl, 'wallet-app', 'wallet-app-secret');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof postJson>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await postJson(t.baseUrl, '/v1/balance-inquiries', token, { pan: '6217000000000022' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another card of the same partner is not affected.
    expect((await postJson(t.baseUrl, '/v1/balance-inquiries', token, { pan: '6217000000000014' })).status).toBe(200);
    const audited = await t.prisma.auditEvent.count({ where: { correlationId: last!.body.inquiryId, outcome: 'RATE_LIMITED' } });
    expect(audited).toBe(1);
  });

  it('stops accepting a client’s credentials after repeated failures, even the right ones', async () => {
    const attempt = (secret: string) =>
      postJson(t.baseUrl, '/oauth/token', undefined, { grant_type: 'client_credentials', client_id: 'harbor-app', client_secret: secret });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt('guess-' + i)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const locked = await attempt('harbor-app-secret');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    // Other clients are unaffected.
    expect((await tokenFor(t.baseUrl, 'wallet-app', 'wallet-app-secret')).length).toBeGreaterThan(20);
  });

  it('counts a client’s attempts before checking them: a parallel burst of guesses gets no more than the limit', async () => {
    // A right secret gives its hit back: a client may fetch tokens any number of times.
    for (let i = 0; i < 5; i++) expect((await tokenFor(t.baseUrl, 'wallet-app', 'wallet-app-secret')).length).toBeGreaterThan(20);
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postJson(t.baseUrl, '/oauth/token', undefined, { grant_type: 'client_credentials', client_id: 'burst-app', client_secret: `guess-${i}` }),
      ),
    );
    const statuses = guesses.map((g) => g.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
  });

  it('counts console sign-ins from one address before checking them: a parallel burst gets no more than the limit', async () => {
    const post = consoleForm(t, PUBLIC);
    // The address may fail 10 × RATE_AUTH_FAILURES_PER_15_MINUTES = 30 times.
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post('/console/sign-in', { username: `nobody-${i}`, password: 'guess' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });
});
