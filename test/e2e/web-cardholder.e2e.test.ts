import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const PUBLIC = 'https://saldo.example.test';
const ALICE = '+15555550100';

describe(`cardholder page (${storage})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('web', storage, { PUBLIC_BASE_URL: PUBLIC, WORKER_IN_PROCESS: 'true' });
  });
  afterAll(async () => t?.close());

  async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC, ...headers },
      body: new URLSearchParams(form),
    });
  }

  /** The code in the latest sign-in text to `phone`, as the cardholder reads it on the phone (the outbox here). */
  async function codeSentTo(phone: string): Promise<string> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const row = await t.prisma.outboundMessage.findFirst({ where: { to: phone, body: { contains: 'code' } }, orderBy: { createdAt: 'desc' } });
      const code = row && /(\d{6})/.exec(row.body)?.[1];
      if (code) return code;
      if (Date.now() > deadline) throw new Error('no code arrived');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function signIn(phone: string): Promise<string> {
    expect((await post('/sign-in/code', { phone })).status).toBe(200);
    const res = await post('/sign-in', { phone, code: await codeSentTo(phone) });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^saldo_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=900; Secure$/);
    return cookie.split(';')[0];
  }

  it('shows the sign-in form, with security headers and nothing from another site', async () => {
    const res = await fetch(`${t.baseUrl}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<label for="phone">');
    expect(html).not.toMatch(/src="http|href="http/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('signs a cardholder in with a code sent by SMS and shows every card, account and balance', async () => {
    const cookie = await signIn(ALICE);
    const page = await fetch(`${t.baseUrl}/`, { headers: { cookie } });
    const html = await page.text();
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('Card ending 0010 · Harbor Bank');
    expect(html).toContain('1,234.56 USD');
    expect(html).toContain('1,300.00 USD');
    expect(html).toContain('Card ending 0022 · Lotus Bank');
    expect(html).toContain('100.00 CNY');
    expect(html).not.toContain('4761739001010010');
    const rows = await t.prisma.auditEvent.findMany({ where: { channel: 'web' } });
    expect(rows.map((r) => r.cardLast4)).toEqual(expect.arrayContaining(['0010', '0022']));
    expect(rows.every((r) => r.requester === 'phone:+*******0100')).toBe(true);
  });

  it('switches to Chinese with the form token, and refuses the change without it', async () => {
    const cookie = await signIn(ALICE);
    const html = await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1];
    expect((await post('/settings/language', { language: 'zh' }, { cookie })).status).toBe(403);
    expect((await post('/settings/language', { language: 'zh', csrf }, { cookie })).status).toBe(303);
    const zh = await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text();
    expect(zh).toContain('我的卡');
    expect(zh).toContain('尾号0010');
    expect((await post('/settings/language', { language: 'en', csrf }, { cookie })).status).toBe(303);
  });

  it('says the same to a number that is not on file, and sends it nothing', async () => {
    const res = await post('/sign-in/code', { phone: '+15555550999' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('If this number is registered');
    await new Promise((r) => setTimeout(r, 200));
    expect(await t.prisma.outboundMessage.count({ where: { to: '+15555550999' } })).toBe(0);
  });

  it('refuses forms from another site, wrong codes, and a code after five wrong tries', async () => {
    expect((await post('/sign-in/code', { phone: ALICE }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/sign-in/code', { phone: ALICE })).status).toBe(200);
    const code = await codeSentTo(ALICE);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) expect((await post('/sign-in', { phone: ALICE, code: wrong })).status).toBe(401);
    const fifth = await post('/sign-in', { phone: ALICE, code: wrong });
    expect(await fifth.text()).toContain('expired');
    expect((await post('/sign-in', { phone: ALICE, code })).status).toBe(401); // the right code, too late
  });

  it('pages through a card\'s history with a period and a type, every row once', async () => {
    const cookie = await signIn(ALICE);
    expect((await fetch(`${t.baseUrl}/history?card=0`, { redirect: 'manual' })).status).toBe(303); // no session
    const from = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date().toISOString().slice(0, 10);
    const card = await t.prisma.card.findFirstOrThrow({ where: { last4: '0010' }, include: { accounts: true } });
    const expected = await t.prisma.transaction.count({
      where: { accountId: { in: card.accounts.map((a) => a.accountId) }, postedAt: { gte: new Date(`${from}T00:00:00Z`), lt: new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000) } },
    });
    expect(expected).toBeGreaterThan(20); // more than one page
    const seen: string[] = [];
    let url: string | undefined = `/history?card=0&from=${from}&to=${to}`;
    let pages = 0;
    while (url) {
      const html = await (await fetch(`${t.baseUrl}${url}`, { headers: { cookie } })).text();
      expect(html).toContain('History · 0010');
      seen.push(...[...html.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td class="amount">([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1).join('|')));
      url = /<a href="(\/history\?[^"]+)">Older transactions<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen.length).toBe(expected);
    const deposits = await (await fetch(`${t.baseUrl}/history?card=0&from=${from}&to=${to}&type=DEPOSIT`, { headers: { cookie } })).text();
    const types = [...deposits.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['Deposit']));
    const backwards = await fetch(`${t.baseUrl}/history?card=0&from=${to}&to=${from}`, { headers: { cookie } });
    expect(backwards.status).toBe(400);
    expect(await backwards.text()).toContain('Pick a period');
    expect((await fetch(`${t.baseUrl}/history?card=9`, { headers: { cookie } })).status).toBe(404);
  });

  it('signs out: the session is gone', async () => {
    const cookie = await signIn(ALICE);
    const html = await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1];
    const out = await post('/sign-out', { csrf }, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text()).toContain('<label for="phone">');
  });
});
