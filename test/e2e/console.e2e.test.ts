import { hash } from '@node-rs/argon2';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { STANDING_CACHE_MS } from '../../libs/console/src/auth/console-sessions.js';
import { consoleForm, signInOperator } from '../support/console.js';
import { REDIS_URL } from '../support/databases.js';
import { connectPos, demoTerminal } from '../support/pos.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const PUBLIC = 'https://saldo.example.test';

describe(`operator console (${storage})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('console', storage, { PUBLIC_BASE_URL: PUBLIC, WORKER_IN_PROCESS: 'true', TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  const operatorEvents = (action: string) => t.prisma.auditEvent.findMany({ where: { channel: 'console', outcome: action }, orderBy: { id: 'asc' } });

  it('asks for a sign-in first, and signs an operator in with an HttpOnly console cookie', async () => {
    const anonymous = await fetch(`${t.baseUrl}/console/cards`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fcards');
    const form = await (await fetch(`${t.baseUrl}/console/sign-in`)).text();
    expect(form).toContain('<label for="username">');
    expect(form).toContain('<label for="password">');

    const res = await consoleForm(t, PUBLIC)('/console/sign-in', { username: 'admin', password: 'saldo-admin-demo', next: '/console/cards' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/cards');
    expect(res.headers.get('set-cookie')).toMatch(/^saldo_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Secure$/);
    expect((await operatorEvents('SIGNED_IN')).map((e) => e.requester)).toContain('operator:admin');
  });

  it('refuses a wrong password with the same words as an unknown operator, never a sign-in from another site, and audits each', async () => {
    const post = consoleForm(t, PUBLIC);
    const wrong = await post('/console/sign-in', { username: 'auditor', password: 'not-the-password' });
    const unknown = await post('/console/sign-in', { username: 'nobody', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const words = (html: string) => /role="alert">([^<]+)</.exec(html)?.[1];
    expect(words(await wrong.text())).toBe(words(await unknown.text()));
    expect((await consoleForm(t, 'https://evil.example')('/console/sign-in', { username: 'admin', password: 'saldo-admin-demo' })).status).toBe(403);
    const failed = await operatorEvents('SIGN_IN_FAILED');
    expect(failed.map((e) => e.requester)).toEqual(expect.arrayContaining(['operator:auditor', 'operator:(unknown)']));
    // What was typed as an unknown name is not kept: it is often a password typed in the wrong box.
    expect(JSON.stringify(failed.map((e) => [e.requester, e.detail]))).not.toContain('nobody');
    // Behind the trusted proxy (TRUST_PROXY), the address is the client's, as the proxy forwarded it.
    await consoleForm(t, PUBLIC)('/console/sign-in', { username: 'auditor', password: 'wrong-again' }, { 'x-forwarded-for': '203.0.113.7' });
    const [latest] = await t.prisma.auditEvent.findMany({ where: { outcome: 'SIGN_IN_FAILED' }, orderBy: { id: 'desc' }, take: 1 });
    expect(latest?.detail).toMatchObject({ address: '203.0.113.7' });
    expect(JSON.stringify(failed.map((e) => e.detail))).not.toContain('not-the-password');
  });

  it('locks an operator out after 10 wrong passwords for 30 minutes, even with the right one', async () => {
    await t.prisma.operator.create({ data: { username: 'temp-support', role: 'SUPPORT', passwordHash: await hash('right-password-1') } });
    const post = consoleForm(t, PUBLIC);
    for (let i = 0; i < 10; i += 1) expect((await post('/console/sign-in', { username: 'temp-support', password: `wrong-${i}` })).status).toBe(401);
    expect((await post('/console/sign-in', { username: 'temp-support', password: 'right-password-1' })).status).toBe(401);
    const locked = await t.prisma.operator.findUniqueOrThrow({ where: { username: 'temp-support' } });
    expect(locked.failedLogins).toBe(10);
    const minutes = (locked.lockedUntil!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
    // Thirty minutes later (the clock moved by hand): the right password works and the count restarts.
    await t.prisma.operator.update({ where: { username: 'temp-support' }, data: { lockedUntil: new Date(Date.now() - 1_000) } });
    expect((await post('/console/sign-in', { username: 'temp-support', password: 'right-password-1' })).status).toBe(303);
    const after = await t.prisma.operator.findUniqueOrThrow({ where: { username: 'temp-support' } });
    expect([after.failedLogins, after.lockedUntil]).toEqual([0, null]);
  });

  it('gives each role what it says: support finds cards, auditor reads dashboards, neither does the other', async () => {
    const support = await signInOperator(t, PUBLIC, 'support', 'saldo-support-demo');
    const auditor = await signInOperator(t, PUBLIC, 'auditor', 'saldo-auditor-demo');
    const admin = await signInOperator(t, PUBLIC, 'admin', 'saldo-admin-demo');

    expect((await support.get('/console')).headers.get('location')).toBe('/console/cards');
    expect((await support.get('/console/cards?issuer=HARBOR&last4=0010')).status).toBe(200);
    expect((await support.get('/console/dashboard/panel?range=hour')).status).toBe(403);

    expect((await auditor.get('/console')).status).toBe(200);
    expect((await auditor.get('/console/cards?issuer=HARBOR&last4=0010')).status).toBe(403);
    const card = await t.prisma.card.findFirstOrThrow({ where: { last4: '0010' } });
    const auditorCsrf = /name="csrf" value="([^"]+)"/.exec(await (await auditor.get('/console')).text())![1];
    const refusedUnlock = await consoleForm(t, PUBLIC)(`/console/cards/${card.id}/unlock-pin`, { csrf: auditorCsrf }, { cookie: auditor.cookie });
    expect(refusedUnlock.status).toBe(403);

    expect((await admin.get('/console')).status).toBe(200);
    expect((await admin.get('/console/cards?issuer=HARBOR&last4=0010')).status).toBe(200);

    const refused = await operatorEvents('REFUSED');
    expect(refused.map((e) => e.requester)).toEqual(expect.arrayContaining(['operator:support', 'operator:auditor']));
  });

  it('shows the dashboard from the audit trail: queries per channel, outcomes and latency', async () => {
    const admin = await signInOperator(t, PUBLIC, 'admin', 'saldo-admin-demo');
    await t.prisma.auditEvent.createMany({
      data: [
        { at: new Date(), channel: 'pos', requester: 'terminal:SALDO001', outcome: 'APPROVED', latencyMicros: 4_000, correlationId: 'dash-1' },
        { at: new Date(), channel: 'pos', requester: 'terminal:SALDO001', outcome: 'WRONG_PIN', latencyMicros: 8_000, correlationId: 'dash-2' },
        { at: new Date(), channel: 'sms', requester: 'phone:+*******0100', outcome: 'APPROVED', latencyMicros: 12_000, correlationId: 'dash-3' },
      ],
    });
    const panel = await (await admin.get('/console/dashboard/panel?range=hour')).text();
    expect(panel).toMatch(/<th scope="row">pos<\/th><td class="num">\d+<\/td>/);
    expect(panel).toContain('WRONG_PIN');
    expect(panel).toContain('<polyline');
    const day = await (await admin.get('/console?range=day')).text();
    expect(day).toContain('data-live="/console/dashboard/panel?range=day"');
    const script = await fetch(`${t.baseUrl}/console/assets/console.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('unlocks a PIN-locked card for support, and the card answers again on the POS channel', async () => {
    const pan = '6217000000000022';
    const client = await connectPos(t);
    try {
      const terminal = demoTerminal('SALDO001');
      for (const pin of ['1111', '2222', '3333']) await client.request(await terminal.balanceInquiry({ pan, pin }));
      expect((await client.request(await terminal.balanceInquiry({ pan, pin: '0000' }))).fields.get(39)).toBe('75');

      const support = await signInOperator(t, PUBLIC, 'support', 'saldo-support-demo');
      const page = await (await support.get('/console/cards?issuer=LOTUS&last4=0022')).text();
      expect(page).toContain('<strong>locked</strong>');
      expect(page).toContain('621700******0022');
      const card = await t.prisma.card.findFirstOrThrow({ where: { last4: '0022' } });
      expect((await support.post(`/console/cards/${card.id}/unlock-pin`, { reason: 'x' }, { origin: 'https://evil.example' })).status).toBe(403);
      expect((await support.post(`/console/cards/${card.id}/unlock-pin`, { reason: 'x', csrf: 'forged' })).status).toBe(403);
      expect((await support.post(`/console/cards/${card.id}/unlock-pin`)).status).toBe(400); // no reason given
      const unlocked = await support.post(`/console/cards/${card.id}/unlock-pin`, { reason: 'call 4711: forgot PIN, verified' });
      expect(unlocked.status).toBe(303);
      expect(unlocked.headers.get('location')).toBe('/console/cards?issuer=LOTUS&last4=0022&done=pin');

      expect((await client.request(await terminal.balanceInquiry({ pan, pin: '0000' }))).fields.get(39)).toBe('00');
      const [event] = await operatorEvents('PIN_UNLOCKED');
      expect(event).toMatchObject({ requester: 'operator:support', cardLast4: '0022', issuerCode: 'LOTUS', cardMasked: '621700******0022', detail: { reason: 'call 4711: forgot PIN, verified' } });
      const recent = await (await support.get('/console/cards?issuer=LOTUS&last4=0022')).text();
      expect(recent).toContain('PIN_TRIES_EXCEEDED');
    } finally {
      await client.close();
    }
  });

  it('searches the audit trail by channel, outcome, issuer, card and requester, newest first in pages of 50', async () => {
    const auditor = await signInOperator(t, PUBLIC, 'auditor', 'saldo-auditor-demo');
    const at = new Date(Date.now() - 60_000);
    await t.prisma.auditEvent.createMany({
      data: Array.from({ length: 55 }, (_, i) => ({
        at,
        channel: 'rest',
        requester: i % 2 ? 'client:wallet-app' : 'client:other-app',
        cardMasked: '476173******0010',
        cardLast4: '0010',
        issuerCode: 'HARBOR',
        outcome: i === 0 ? 'EXPIRED_CARD' : 'APPROVED',
        latencyMicros: 1_000 + i,
        correlationId: `search-${i}`,
      })),
    });
    const first = await (await auditor.get('/console/audit?channel=rest&issuer=HARBOR&last4=0010')).text();
    expect(first.match(/search-\d+/g)).toHaveLength(50);
    const older = /href="(\/console\/audit\?[^"]*before=\d+)"/.exec(first)![1].replace(/&amp;/g, '&');
    expect((await (await auditor.get(older)).text()).match(/search-\d+/g)).toHaveLength(5);
    const expired = await (await auditor.get('/console/audit?outcome=expired_card&channel=rest')).text();
    expect(expired.match(/search-\d+/g)).toEqual(['search-0']);
    // "To" names a minute and includes it: rows written during that minute are found.
    const toTheirMinute = await (await auditor.get(`/console/audit?channel=rest&outcome=EXPIRED_CARD&to=${at.toISOString().slice(0, 16)}`)).text();
    expect(toTheirMinute.match(/search-\d+/g)).toEqual(['search-0']);
    const beforeTheirMinute = new Date(at.getTime() - 60_000).toISOString().slice(0, 16);
    expect(await (await auditor.get(`/console/audit?channel=rest&outcome=EXPIRED_CARD&to=${beforeTheirMinute}`)).text()).toContain('No audit events match');
    const byRequester = await (await auditor.get('/console/audit?channel=rest&requester=wallet-app')).text();
    expect(byRequester.match(/search-\d+/g)).toHaveLength(27);

    // A typed _ is an underscore, not LIKE's "any one character".
    expect(await (await auditor.get('/console/audit?channel=rest&requester=wallet_app')).text()).toContain('No audit events match');
    await t.prisma.auditEvent.create({ data: { at, channel: 'rest', requester: 'partner:under_score%', outcome: 'APPROVED', latencyMicros: 1, correlationId: 'search-underscore' } });
    expect((await (await auditor.get('/console/audit?channel=rest&requester=under_score%25')).text()).match(/search-[a-z0-9]+/g)).toEqual(['search-underscore']);
    const tooLong = await auditor.get('/console/audit?from=2026-01-01T00:00&to=2026-03-01T00:00');
    expect([tooLong.status, await tooLong.text()]).toEqual([400, expect.stringContaining('The period is at most 31 days')]);

    const bad = await auditor.get('/console/audit?from=yesterday&last4=12&channel=fax');
    expect(bad.status).toBe(400);
    const problems = await bad.text();
    expect(problems).toContain('From must be a date and time');
    expect(problems).toContain('Card last 4 must be four digits');
    expect(problems).toContain('Channel must be one of');
    const searched = await operatorEvents('AUDIT_SEARCHED');
    expect(searched.some((e) => (e.detail as Record<string, unknown>).requester === 'wallet-app')).toBe(true);
  });

  it('exports the matching rows to CSV as a background job with progress, for its requester only', async () => {
    const auditor = await signInOperator(t, PUBLIC, 'auditor', 'saldo-auditor-demo');
    const started = await auditor.post('/console/audit/export', { channel: 'rest', issuer: 'HARBOR', last4: '0010', outcome: 'APPROVED' });
    expect(started.status).toBe(303);
    const page = started.headers.get('location')!;
    expect(page).toMatch(/^\/console\/exports\/[0-9a-f-]{36}$/);
    expect(await (await auditor.get(page)).text()).toContain(`data-live="${page}/progress"`);
    let progress = '';
    for (let i = 0; i < 100 && !progress.includes('data-final'); i += 1) {
      progress = await (await auditor.get(`${page}/progress`)).text();
      if (!progress.includes('data-final')) await new Promise((r) => setTimeout(r, 50));
    }
    expect(progress).toContain('54 of 54 rows');
    expect(progress).toContain('value="100"');
    const csv = await auditor.get(`${page}/audit.csv`);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="saldo-audit-[0-9a-f]{8}\.csv"$/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('id,at,channel,requester,card_masked,card_last4,issuer_code,outcome,latency_ms,correlation_id');
    expect(lines).toHaveLength(55);
    expect(lines.slice(1).every((l) => l.includes(',rest,') && l.includes(',APPROVED,'))).toBe(true);

    const support = await signInOperator(t, PUBLIC, 'support', 'saldo-support-demo');
    expect((await support.get(`${page}/audit.csv`)).status).toBe(403);
    const otherAuditor = await signInOperator(t, PUBLIC, 'admin', 'saldo-admin-demo');
    expect((await otherAuditor.get(`${page}/audit.csv`)).status).toBe(200);
    expect((await operatorEvents('AUDIT_EXPORTED')).map((e) => e.requester)).toContain('operator:auditor');
  });

  it.runIf(storage === 'postgres')('lets an open dashboard refresh itself without keeping an idle session alive, and renews it on real use', async () => {
    const admin = await signInOperator(t, PUBLIC, 'admin', 'saldo-admin-demo');
    const redis = new Redis(REDIS_URL);
    try {
      const key = `${t.env.REDIS_PREFIX}:console:session:${admin.cookie.split('=')[1]}`;
      await redis.pexpire(key, 5_000);
      expect((await admin.get('/console/dashboard/panel?range=hour')).status).toBe(200);
      expect(await redis.pttl(key)).toBeLessThanOrEqual(5_000);
      expect((await admin.get('/console?range=hour')).status).toBe(200);
      expect(await redis.pttl(key)).toBeGreaterThan(800_000);
    } finally {
      redis.disconnect();
    }
  });

  it('ends an operator\'s sessions when the password changes, the role changes or the operator is removed', async () => {
    const password = 'temp-auditor-password';
    await t.prisma.operator.create({ data: { username: 'temp-auditor', role: 'AUDITOR', passwordHash: await hash(password) } });
    const wait = () => new Promise((r) => setTimeout(r, STANDING_CACHE_MS + 200));

    const first = await signInOperator(t, PUBLIC, 'temp-auditor', password);
    expect((await first.get('/console')).status).toBe(200);
    await t.prisma.operator.update({ where: { username: 'temp-auditor' }, data: { passwordHash: await hash('another-password-1') } });
    await wait();
    expect((await first.get('/console')).status).toBe(303);

    const second = await signInOperator(t, PUBLIC, 'temp-auditor', 'another-password-1');
    await t.prisma.operator.update({ where: { username: 'temp-auditor' }, data: { role: 'SUPPORT' } });
    await wait();
    expect((await second.get('/console/cards')).status).toBe(303);

    const third = await signInOperator(t, PUBLIC, 'temp-auditor', 'another-password-1');
    expect((await third.get('/console/cards')).status).toBe(200);
    await t.prisma.operator.delete({ where: { username: 'temp-auditor' } });
    await wait();
    expect((await third.get('/console/cards')).status).toBe(303);
  });

  it('gives a fresh session id at each sign-in and ends the one the browser had', async () => {
    const first = await signInOperator(t, PUBLIC, 'auditor', 'saldo-auditor-demo');
    const again = await consoleForm(t, PUBLIC)('/console/sign-in', { username: 'auditor', password: 'saldo-auditor-demo' }, { cookie: first.cookie });
    const second = (again.headers.get('set-cookie') ?? '').split(';')[0];
    expect(second).not.toBe(first.cookie);
    expect((await first.get('/console')).status).toBe(303);
    expect((await fetch(`${t.baseUrl}/console`, { redirect: 'manual', headers: { cookie: second } })).status).toBe(200);
  });

  it('takes the first value of a repeated field and ignores unknown banners, never a 500', async () => {
    const admin = await signInOperator(t, PUBLIC, 'admin', 'saldo-admin-demo');
    expect((await admin.get('/console/cards?issuer=HARBOR&last4=0010&last4=0022')).status).toBe(200);
    expect((await admin.get('/console/audit?channel=rest&channel=pos&before=1&before=2')).status).toBe(200);
    const banner = await admin.get('/console/terminals?done=constructor&tid=Pay+here');
    expect(banner.status).toBe(200);
    expect(await banner.text()).not.toContain('Pay here');
    expect((await admin.get('/console/terminals?done=__proto__')).status).toBe(200);
    const twice = await fetch(`${t.baseUrl}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC },
      body: 'username=admin&username=x&password=a&password=b',
    });
    expect(twice.status).toBe(400); // two passwords are no password: asked again, not a 500

  });

  it('lets support unlock a card at most 3 times a day, with a reason each time; past that an admin decides', async () => {
    const support = await signInOperator(t, PUBLIC, 'support', 'saldo-support-demo');
    const admin = await signInOperator(t, PUBLIC, 'admin', 'saldo-admin-demo');
    const card = await t.prisma.card.findFirstOrThrow({ where: { last4: '0014' } });
    const unlock = (who: typeof support) => who.post(`/console/cards/${card.id}/unlock-phone`, { reason: 'ticket 9' });
    for (let i = 0; i < 3; i += 1) expect((await unlock(support)).status).toBe(303);
    const fourth = await unlock(support);
    expect([fourth.status, await fourth.text()]).toEqual([409, expect.stringContaining('unlocked 3 times in the last 24 hours')]);
    expect((await unlock(admin)).status).toBe(303);
  });
});
