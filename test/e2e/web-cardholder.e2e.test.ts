import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseSmsCommand, SMS_KEYWORDS } from '../../libs/channels/src/sms/sms-command.js';
import type { PosClient } from '../../apps/pos-simulator/src/pos-client.js';
import { amounts, connectPos, demoTerminal } from '../support/pos.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const PUBLIC = 'https://saldo.example.test';
const ALICE = '+15555550100';
/** Li Wei: one card, Chinese; makes terminal codes up to the limit without using up Alice's. */
const LI = '+8613800138000';
/** Short enough to see a token expire within a test, long enough to redeem one at once. */
const QR_SECONDS = 3;

describe(`cardholder page (${storage})`, () => {
  let t: TestApp;
  let pos: PosClient;
  const terminal = demoTerminal('SALDO001');

  beforeAll(async () => {
    t = await startTestApp('web', storage, {
      PUBLIC_BASE_URL: PUBLIC,
      WORKER_IN_PROCESS: 'true',
      QR_TOKEN_TTL_SECONDS: String(QR_SECONDS),
      // Every test signs in and reads the same cards: the limits are not what this file tests.
      RATE_CARD_PER_MINUTE: '1000',
      RATE_AUTH_FAILURES_PER_15_MINUTES: '100',
      // The demo: no SMS provider, so the code form links to the outbox page.
      DEMO_MODE: 'true',
    });
    pos = await connectPos(t);
  });
  afterAll(async () => {
    await pos?.close();
    await t?.close();
  });

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
      const row = await t.prisma.outboundMessage.findFirst({ where: { to: phone, OR: [{ body: { contains: 'code' } }, { body: { contains: '验证码' } }] }, orderBy: { createdAt: 'desc' } });
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
    expect(cookie).toMatch(/^saldo_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
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
    // Not no-referrer: under it Chromium posts forms with `Origin: null`, and the same-origin check refuses every one.
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
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

  it('says why a card cannot answer in words a cardholder reads, in English and Chinese, on balances and history', async () => {
    const cookie = await signIn(ALICE);
    const csrf = await csrfOf(cookie);
    const section = (html: string, last4: string) => html.split('<section class="card">').find((s) => s.includes(last4)) ?? '';
    const en = await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text();
    expect(section(en, '0028')).toContain('<p class="refusal">This card has expired.</p>');
    expect(section(en, '0036')).toContain('<p class="refusal">This card is blocked. Contact your bank.</p>');
    // The language is the cardholder's (kept on file): set back to English for the tests after this one.
    expect((await post('/settings/language', { language: 'zh', csrf }, { cookie })).status).toBe(303);
    try {
      const zh = await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text();
      expect(section(zh, '0028')).toContain('<p class="refusal">此卡已过期。</p>');
      expect(section(zh, '0036')).toContain('<p class="refusal">此卡已冻结，请联系发卡行。</p>');
      expect(zh).not.toMatch(/expired card|card blocked|EXPIRED_CARD|CARD_BLOCKED|无法查询：/);
      const expiredHistory = /href="(\/history\?card=\d+)"/.exec(section(zh, '0028'))![1];
      const history = await (await fetch(`${t.baseUrl}${expiredHistory}`, { headers: { cookie } })).text();
      expect(history).toContain('<p class="note" role="status">此卡已过期。</p>');
      expect(history).not.toMatch(/expired card|EXPIRED_CARD/);
    } finally {
      expect((await post('/settings/language', { language: 'en', csrf }, { cookie })).status).toBe(303);
    }
  });

  it('demo outbox: with no SMS provider the code page links to the outbox, which shows the texted code', async () => {
    const asked = await post('/sign-in/code', { phone: ALICE });
    const page = await asked.text();
    expect(page).toContain(`href="/outbox?to=${encodeURIComponent(ALICE)}"`);
    const code = await codeSentTo(ALICE);
    const outbox = await fetch(`${t.baseUrl}/outbox?to=${encodeURIComponent(ALICE)}`);
    expect(outbox.status).toBe(200);
    const html = await outbox.text();
    expect(html).toContain(`Your Saldo sign-in code is ${code}`);
    expect(html).toContain('<label for="to">');
    expect(await (await fetch(`${t.baseUrl}/outbox?to=%2B15555550999`)).text()).toContain('No texts to this number yet.');
  });

  it('takes the first value of a repeated field, never a 500', async () => {
    const cookie = await signIn(ALICE);
    expect((await fetch(`${t.baseUrl}/history?card=0&card=1&from=2026-01-01&from=x`, { headers: { cookie } })).status).toBeLessThan(500);
    const twice = await fetch(`${t.baseUrl}/sign-in/code`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC },
      body: 'phone=%2B15555550999&phone=x',
    });
    expect(twice.status).toBe(200);
    expect((await fetch(`${t.baseUrl}/help?lang=zh&lang=en`)).status).toBe(200);
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
    const noSuchCard = await fetch(`${t.baseUrl}/history?card=9`, { headers: { cookie } });
    expect(noSuchCard.status).toBe(404);
    expectProblemPage(await noSuchCard.text(), 'No such card', 'Back to balances');
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

  async function csrfOf(cookie: string): Promise<string> {
    const html = await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text();
    return /name="csrf" value="([^"]+)"/.exec(html)![1];
  }

  /**
   * Makes a code for the card at `index` as the page does (a post, redirected to the page that shows
   * it: post, redirect, get) and reads the token off that page.
   */
  async function qrToken(cookie: string, csrf: string, index: number): Promise<{ token: string; html: string }> {
    const res = await post('/check-at-terminal', { csrf, card: String(index) }, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/check-at-terminal?card=${index}`); // never the token
    const { html, token } = await codePage(cookie, index);
    expect(token).toBeDefined();
    return { token: token!, html };
  }

  /** The "check at a terminal" page of the card at `index` as a reload gets it, and the token on it if any. */
  async function codePage(cookie: string, index: number): Promise<{ html: string; token?: string }> {
    const res = await fetch(`${t.baseUrl}/check-at-terminal?card=${index}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    return { html, token: /<code class="token">(SQ[A-Z2-7]{26})<\/code>/.exec(html)?.[1] };
  }

  /** A signed-in error page: its own heading, the way back, and not the sign-in form. */
  function expectProblemPage(html: string, heading: string, back: string): void {
    expect(html).toContain(`<h1>${heading}</h1>`);
    expect(html).toContain(`<a href="/">${back}</a>`);
    expect(html).not.toContain('<label for="phone">');
  }

  const inquire = async (input: Parameters<typeof terminal.balanceInquiry>[0]) => pos.request(await terminal.balanceInquiry(input));

  it('check at a terminal: a QR token the POS channel answers once, with that card\'s balances and no PIN', async () => {
    const cookie = await signIn(ALICE);
    const balances = await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text();
    expect(balances.match(/action="\/check-at-terminal"/g)).toHaveLength(2);
    expect(balances).toContain('aria-label="Check at a terminal: card ending 0010"');
    const csrf = await csrfOf(cookie);
    expect((await post('/check-at-terminal', { card: '0' }, { cookie })).status).toBe(403);
    expect((await post('/check-at-terminal', { csrf, card: '0' }, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    const noSuchCard = await post('/check-at-terminal', { csrf, card: '7' }, { cookie });
    expect(noSuchCard.status).toBe(404);
    expectProblemPage(await noSuchCard.text(), 'No such card', 'Back to balances');
    expect((await fetch(`${t.baseUrl}/check-at-terminal?card=0`, { redirect: 'manual' })).status).toBe(303); // no session
    const noSuchPage = await fetch(`${t.baseUrl}/check-at-terminal?card=7`, { headers: { cookie } });
    expect(noSuchPage.status).toBe(404);
    expectProblemPage(await noSuchPage.text(), 'No such card', 'Back to balances');

    const { token, html } = await qrToken(cookie, csrf, 0);
    // A reload gets the same code, not a new one, until it is used or expires.
    expect((await codePage(cookie, 0)).token).toBe(token);
    expect((await codePage(cookie, 0)).token).toBe(token);
    expect(html).toMatch(/<svg class="qr" [^>]*role="img" aria-label="QR code for a balance check of the card ending 0010"/);
    expect(html).toContain(`Valid once, until`);
    expect(html).not.toMatch(/src="http|href="http/);

    const answer = await inquire({ qr: token });
    expect(answer.fields.get(39)).toBe('00');
    expect(answer.fields.has(2)).toBe(false);
    expect(amounts(answer.fields.get(54))).toEqual([
      { account: '20', amount: '02', currency: '840', minor: 123456n },
      { account: '20', amount: '01', currency: '840', minor: 130000n },
      { account: '10', amount: '02', currency: '840', minor: 1000000n },
      { account: '10', amount: '01', currency: '840', minor: 1000000n },
    ]);
    const row = await t.prisma.auditEvent.findFirst({ where: { channel: 'pos', outcome: 'APPROVED' }, orderBy: { id: 'desc' } });
    expect(row).toMatchObject({ requester: 'terminal:SALDO001', cardLast4: '0010', issuerCode: 'HARBOR', detail: { credential: 'card-token' } });

    expect((await inquire({ qr: token })).fields.get(39)).toBe('14'); // used
    // Used: the page no longer shows it, and offers a new one through the same checked form.
    const afterUse = await codePage(cookie, 0);
    expect(afterUse.token).toBeUndefined();
    expect(afterUse.html).toContain('the last one has expired or has been used');
    expect(afterUse.html).toContain(`<form method="post" action="/check-at-terminal"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="card" value="0">`);
    expect((await qrToken(cookie, csrf, 0)).token).not.toBe(token);
    expect((await inquire({ qr: `SQ${'A'.repeat(26)}` })).fields.get(39)).toBe('14'); // never issued
    const refused = await t.prisma.auditEvent.findMany({ where: { channel: 'pos', outcome: 'UNKNOWN_CARD' } });
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((r) => (r.detail as Record<string, unknown>).qr === 'unknown, used or expired')).toBe(true);

    // The other card: its own balances, in its own currency.
    const lotus = await qrToken(cookie, csrf, 1);
    expect(amounts((await inquire({ qr: lotus.token })).fields.get(54)).every((a) => a.currency === '156')).toBe(true);
    expect(readFileSync(t.logFile, 'utf8')).not.toContain(token);
  });

  it('check at a terminal: a token beside a card is a format error and is not used up; an expired one is unknown', async () => {
    const cookie = await signIn(ALICE);
    const csrf = await csrfOf(cookie);
    const { token } = await qrToken(cookie, csrf, 0);
    expect((await inquire({ qr: token, pan: '4761739001010010' })).fields.get(39)).toBe('30');
    expect((await inquire({ qr: 'https://example.test/pay' })).fields.get(39)).toBe('30');
    // A PIN block beside a token is not what authorises it, and is not looked at (SALDO001 has no MAC).
    const scanned = await terminal.balanceInquiry({ qr: token });
    const withPinBlock = { mti: scanned.mti, fields: new Map([...scanned.fields, [52, '0123456789ABCDEF']]) };
    expect((await pos.request(withPinBlock)).fields.get(39)).toBe('00');

    const late = await qrToken(cookie, csrf, 0);
    await new Promise((r) => setTimeout(r, QR_SECONDS * 1000 + 300));
    const expired = await codePage(cookie, 0);
    expect(expired.token).toBeUndefined(); // checked before the terminal tries it: the page does not use it up
    expect(expired.html).toContain('Make a new code');
    expect((await inquire({ qr: late.token })).fields.get(39)).toBe('14');
  });

  it('check at a terminal: too many codes in a minute is a signed-in error page with Retry-After, in the cardholder\'s language', async () => {
    const cookie = await signIn(LI);
    const csrf = await csrfOf(cookie);
    let last = '';
    for (let i = 0; i < 10; i++) last = (await qrToken(cookie, csrf, 0)).token; // the phone limit: 10 a minute
    const refused = await post('/check-at-terminal', { csrf, card: '0' }, { cookie });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const html = await refused.text();
    expectProblemPage(html, '生成次数过多', '返回余额');
    expect(html).toMatch(/请\d+秒后再试/);
    expect((await codePage(cookie, 0)).token).toBe(last); // the refusal leaves the working code as it was
  });

  it('settings: amounts with a currency symbol and without separators, on balances and history, labelled and form-checked', async () => {
    const cookie = await signIn(ALICE);
    expect((await fetch(`${t.baseUrl}/settings`, { redirect: 'manual' })).status).toBe(303);
    const form = await (await fetch(`${t.baseUrl}/settings`, { headers: { cookie } })).text();
    for (const id of ['currency-code', 'currency-symbol', 'grouping-on', 'grouping-off']) {
      expect(form).toContain(`<label class="choice" for="${id}"><input type="radio" id="${id}"`);
    }
    expect(form).toContain('<legend>Currency</legend>');
    const csrf = /name="csrf" value="([^"]+)"/.exec(form)![1];
    expect((await post('/settings/amounts', { currency: 'symbol', grouping: 'off' }, { cookie })).status).toBe(403);
    expect((await post('/settings/amounts', { csrf, currency: 'symbol', grouping: 'off' }, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/settings/amounts', { csrf, currency: 'gold', grouping: 'off' }, { cookie })).status).toBe(400);
    expect((await post('/settings/amounts', { csrf, currency: 'symbol', grouping: 'off' }, { cookie })).status).toBe(303);

    const html = await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text();
    expect(html).toContain('<td class="amount">$1234.56</td>');
    expect(html).toContain('<td class="amount">¥100.00</td>');
    expect(html).not.toContain('1,234.56');
    const history = await (await fetch(`${t.baseUrl}/history?card=0`, { headers: { cookie } })).text();
    const shown = [...history.matchAll(/<td class="amount">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((a) => /^-?\$\d+\.\d{2}$/.test(a))).toBe(true);

    // Another session of the same cardholder keeps the default.
    const other = await signIn(ALICE);
    expect(await (await fetch(`${t.baseUrl}/`, { headers: { cookie: other } })).text()).toContain('1,234.56 USD');
  });

  it('help: every channel explained, in English and Chinese, with the SMS keywords the SMS channel parses', async () => {
    const signInPage = await (await fetch(`${t.baseUrl}/`)).text();
    expect(signInPage).toContain('href="/help"');
    const cookie = await signIn(ALICE);
    expect(await (await fetch(`${t.baseUrl}/`, { headers: { cookie } })).text()).toContain('href="/help"');

    for (const lang of ['en', 'zh']) {
      const res = await fetch(`${t.baseUrl}/help?lang=${lang}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">`);
      for (const id of ['web', 'sms', 'phone', 'pos', 'partner']) expect(html).toContain(`<section class="card" id="${id}">`);
      const examples = [...html.matchAll(/<kbd class="sms">([^<]*)<\/kbd>/g)].map((m) => m[1].replace(/&#39;/g, "'"));
      const starts = new Set(examples.map((e) => e.split(' ')[0]));
      for (const word of Object.values(SMS_KEYWORDS).flat()) expect(starts, `${lang}: ${word}`).toContain(word);
      for (const example of examples) expect(parseSmsCommand(example).kind, `${lang}: ${example}`).not.toBe('unknown');
      expect(html).toContain('+15555550000');
      expect(html).toContain(lang === 'zh' ? `${QR_SECONDS}秒内有效` : `for ${QR_SECONDS} seconds`);
    }
    expect(await (await fetch(`${t.baseUrl}/help?lang=zh`)).text()).toContain('短信查询');
  });
});
