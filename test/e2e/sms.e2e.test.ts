import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JobHandlers, RateLimitService } from '#platform';
import { OutboundSweepJob } from '#channels/telephony';
import { smsSegments } from '../../libs/channels/src/sms/sms-segments.js';
import { FakeTwilioApi, INVALID_TO, TOO_MANY_REQUESTS } from '../support/fake-twilio.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { inboundSms, postSigned, PUBLIC_BASE_URL, sid, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../support/twilio-webhooks.js';
import { DEMO_CARDS } from '#seed';

const storage = inject('storage');
const ALICE = '+15555550100';
const LI = '+8613800138000';
const STRANGER = '+15555550999';

// PostgreSQL + Redis: replies go out through the real twilio SDK to a local fake of Twilio's API.
// Embedded: no Twilio account, so replies stay in the outbox table (the embedded default).
const viaTwilio = storage === 'postgres';

describe(`SMS channel (${storage}, ${viaTwilio ? 'Twilio REST fake' : 'outbox'})`, () => {
  let t: TestApp;
  let fake: FakeTwilioApi;

  beforeAll(async () => {
    fake = new FakeTwilioApi(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN);
    const apiBase = await fake.start();
    // The jobs run in the API process here; worker.e2e.test.ts covers the separate worker.
    const twilioEnv: Record<string, string> = viaTwilio ? { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_BASE_URL: apiBase, WORKER_IN_PROCESS: 'true' } : {};
    t = await startTestApp('sms', storage, { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, RATE_PHONE_PER_MINUTE: '100', ...twilioEnv });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  /** Every reply to `to` that reached Twilio's API (or the outbox), oldest first. */
  async function replies(to: string): Promise<string[]> {
    if (viaTwilio) return fake.received.filter((m) => m.params.To === to).map((m) => m.params.Body);
    const rows = await t.prisma.outboundMessage.findMany({ where: { to }, orderBy: [{ createdAt: 'asc' }] });
    return rows.map((r) => r.body);
  }

  /** Texts `body` from `from` and waits for `count` new replies. */
  async function text(from: string, body: string, count = 1): Promise<string[]> {
    const before = (await replies(from)).length;
    const res = await postSigned(t.baseUrl, '/twilio/sms', inboundSms(from, body));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Response/>');
    return waitForReplies(from, before + count).then((all) => all.slice(before));
  }

  /** Texts `body` and returns every reply that arrived once they stop coming (a reply may be several messages). */
  async function textAll(from: string, body: string): Promise<string[]> {
    const before = (await replies(from)).length;
    await text(from, body);
    let count = -1;
    let all = await replies(from);
    while (all.length !== count) {
      count = all.length;
      await new Promise((r) => setTimeout(r, 400));
      all = await replies(from);
    }
    return all.slice(before);
  }

  async function waitForReplies(to: string, total: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await replies(to);
      if (all.length >= total || Date.now() > deadline) return all;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function expectOneSegment(message: string, language: 'en' | 'zh') {
    const seg = smsSegments(message);
    expect(seg.segments, message).toBe(1);
    expect(seg.encoding, message).toBe(language === 'en' ? 'GSM-7' : 'UCS-2');
  }

  it('answers BAL with every card of the phone across both issuers, one GSM-7 segment per message', async () => {
    const all = await textAll(ALICE, 'BAL');
    const joined = all.join('\n');
    for (const m of all) expectOneSegment(m, 'en');
    expect(all.length).toBeLessThanOrEqual(3);
    expect(joined).toContain('0010');
    expect(joined).toContain('1,234.56'); // 0010 checking, available
    expect(joined).toContain('0022'); // Alice's Lotus Bank card: cross-issuer
    expect(joined).toContain('100.00'); // its CNY balance
    for (const card of DEMO_CARDS) expect(joined).not.toContain(card.pan);
    if (viaTwilio) {
      const sent = fake.received.at(-1)!.params;
      expect(sent.StatusCallback).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/twilio/sms/status\\?m=[0-9a-f-]{36}$`));
      expect(sent.ValidityPeriod).toBe('300');
      expect(sent.From).toBe('+15555550000');
    }
    const audit = await t.prisma.auditEvent.findMany({ where: { channel: 'sms' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.cardLast4)).toEqual(expect.arrayContaining(['0010', '0028', '0036', '0022']));
    expect(audit.every((a) => a.requester === 'phone:+*******0100')).toBe(true);
  });

  it('answers BAL 0010 (case and spaces do not matter) with that card only', async () => {
    const [reply] = await text(ALICE, '  bal   0010 ');
    expectOneSegment(reply, 'en');
    expect(reply).toContain('0010');
    expect(reply).toContain('1,234.56');
    expect(reply).toContain('10,000.00'); // its savings account
    expect(reply).not.toContain('0022');
    const joined = (await textAll(ALICE, 'bal all')).join('\n');
    expect(joined).toContain('0010');
    expect(joined).toContain('0022');
  });

  it('names a card that is not the phone holder\'s as unknown, without data', async () => {
    const [reply] = await text(ALICE, 'BAL 0014'); // Li's card
    expect(reply).toContain('0014');
    expect(reply).not.toContain('8,888.88');
  });

  it('answers MINI 0010 with the last transactions', async () => {
    const [reply] = await text(ALICE, 'mini 0010');
    expectOneSegment(reply, 'en');
    expect(reply).toContain('0010');
    expect(reply).toMatch(/\d{2}\/\d{2}/);
  });

  it('answers in Chinese for a Chinese cardholder, one UCS-2 segment', async () => {
    const [bal] = await text(LI, '余额');
    expectOneSegment(bal, 'zh');
    expect(bal).toContain('0014');
    expect(bal).toContain('8,888.88');
    const [cxye] = await text(LI, 'cxye 0014');
    expect(cxye).toContain('8,888.88');
    const [mini] = await text(LI, '明细 0014');
    expectOneSegment(mini, 'zh');
    const [help] = await text(LI, '帮助');
    expectOneSegment(help, 'zh');
    expect(help).toContain('余额');
  });

  it('switches language with LANG ZH / LANG EN and keeps it', async () => {
    const [zh] = await text(ALICE, 'LANG ZH');
    expectOneSegment(zh, 'zh');
    const [bal] = await text(ALICE, 'BAL 0010');
    expectOneSegment(bal, 'zh');
    expect(bal).toContain('1,234.56');
    const [en] = await text(ALICE, 'lang en');
    expectOneSegment(en, 'en');
    const [help] = await text(ALICE, '?');
    expect(help).toContain('BAL');
  });

  it('answers unknown text and MENU with the help text, and stays silent on carrier keywords', async () => {
    const [menu] = await text(ALICE, 'MENU');
    const [unknown] = await text(ALICE, 'what is my balance please');
    expect(unknown).toBe(menu);
    const before = (await replies(ALICE)).length;
    for (const word of ['STOP', 'help', 'Start']) {
      expect((await postSigned(t.baseUrl, '/twilio/sms', inboundSms(ALICE, word))).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await replies(ALICE)).length).toBe(before);
  });

  it('answers an unregistered number politely with no account data, audited as unauthenticated', async () => {
    const [reply] = await text(STRANGER, 'BAL');
    expectOneSegment(reply, 'en');
    expect(reply).not.toMatch(/\d[\d,]*\.\d{2}/);
    const row = await t.prisma.auditEvent.findFirst({ where: { channel: 'sms', outcome: 'UNAUTHENTICATED' } });
    expect(row?.requester).toBe('phone:+*******0999');
  });

  it('refuses unsigned, tampered and wrongly addressed webhooks with 403, and processes nothing', async () => {
    const before = (await replies(ALICE)).length;
    const params = inboundSms(ALICE, 'BAL');
    const unsigned = await fetch(`${t.baseUrl}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
    expect(unsigned.status).toBe(403);
    const good = (await import('twilio')).default.getExpectedTwilioSignature(TEST_AUTH_TOKEN, `${PUBLIC_BASE_URL}/twilio/sms`, params);
    expect((await postSigned(t.baseUrl, '/twilio/sms', { ...params, Body: 'BAL ALL' }, { signature: good })).status).toBe(403);
    expect((await postSigned(t.baseUrl, '/twilio/sms', params, { publicBaseUrl: 'https://attacker.example' })).status).toBe(403);
    expect((await postSigned(t.baseUrl, '/twilio/sms', params, { token: 'not-the-auth-token-at-all' })).status).toBe(403);
    expect((await postSigned(t.baseUrl, '/twilio/sms?x=1', params, { signature: good })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    expect((await replies(ALICE)).length).toBe(before);
  });

  it('answers a replayed MessageSid once', async () => {
    const params = inboundSms(ALICE, 'BAL 0010', sid('SM'));
    const before = (await replies(ALICE)).length;
    expect((await postSigned(t.baseUrl, '/twilio/sms', params)).status).toBe(200);
    expect((await postSigned(t.baseUrl, '/twilio/sms', params)).status).toBe(200);
    await waitForReplies(ALICE, before + 1);
    await new Promise((r) => setTimeout(r, 400));
    expect((await replies(ALICE)).length).toBe(before + 1);
  });

  it('tells a rate-limited phone to try later, without balances', async () => {
    const limits = t.app.get(RateLimitService);
    while ((await limits.consume('phone', LI)).allowed) {
      // exhaust Li's per-phone budget
    }
    const [reply] = await text(LI, '余额 0014');
    expectOneSegment(reply, 'zh');
    expect(reply).not.toContain('8,888.88');
    expect(await t.prisma.auditEvent.count({ where: { channel: 'sms', outcome: 'RATE_LIMITED' } })).toBeGreaterThan(0);
  });

  it('queues again a message that lost its send job, and fails one past its validity unsent', async () => {
    const common = { channel: 'sms', provider: viaTwilio ? 'twilio' : 'outbox', to: ALICE, language: 'en', status: 'queued', correlationId: 'sweep-test' };
    const old = new Date(Date.now() - 3 * 60_000);
    const lost = await t.prisma.outboundMessage.create({ data: { ...common, body: 'lost job', createdAt: old, updatedAt: old } });
    const stale = await t.prisma.outboundMessage.create({ data: { ...common, body: 'stale', createdAt: new Date(Date.now() - 600_000), updatedAt: old } });
    const fresh = await t.prisma.outboundMessage.create({ data: { ...common, body: 'fresh, its job is coming' } });
    // Claimed, then the process died before the provider's answer was recorded.
    const orphan = await t.prisma.outboundMessage.create({ data: { ...common, status: 'sending', body: 'code 123456', createdAt: new Date(Date.now() - 600_000), updatedAt: old } });
    expect(await t.app.get(OutboundSweepJob).sweep()).toEqual({ requeued: 1, expired: 1, textsDropped: viaTwilio ? 1 : 0 });
    // The outbox keeps its texts (they are its delivery); with a provider the orphan's text goes.
    expect((await t.prisma.outboundMessage.findUniqueOrThrow({ where: { id: orphan.id } })).body).toBe(viaTwilio ? '' : 'code 123456');
    await t.prisma.outboundMessage.update({ where: { id: orphan.id }, data: { status: 'failed' } });
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (await t.prisma.outboundMessage.findUniqueOrThrow({ where: { id: lost.id } })).status === 'queued') {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await t.prisma.outboundMessage.findUniqueOrThrow({ where: { id: lost.id } })).status).not.toBe('queued');
    expect(await t.prisma.outboundMessage.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({ status: 'failed', lastError: 'expired before it could be sent', body: '' });
    expect((await t.prisma.outboundMessage.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe('queued');
    await t.prisma.outboundMessage.update({ where: { id: fresh.id }, data: { status: 'failed' } });
  });

  describe.runIf(viaTwilio)('delivery through Twilio', () => {
    async function lastRowTo(to: string) {
      return t.prisma.outboundMessage.findFirstOrThrow({ where: { to }, orderBy: { createdAt: 'desc' } });
    }

    it('retries a 429 with back-off and then sends', async () => {
      fake.reply(TOO_MANY_REQUESTS);
      const requests = fake.requests;
      const [reply] = await text(ALICE, 'BAL 0010');
      expect(reply).toContain('0010');
      expect(fake.requests).toBe(requests + 2);
      const row = await lastRowTo(ALICE);
      expect(row).toMatchObject({ attempts: 2, lastError: null, status: 'sending', provider: 'twilio' });
      expect(row.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
      // Twilio has the text: the table keeps none of it (balances, sign-in codes).
      expect(row.body).toBe('');
    });

    it('does not retry a 400 and marks the message failed', async () => {
      fake.reply(INVALID_TO);
      const requests = fake.requests;
      const before = await t.prisma.outboundMessage.count({ where: { to: ALICE } });
      expect((await postSigned(t.baseUrl, '/twilio/sms', inboundSms(ALICE, 'BAL 0010'))).status).toBe(200);
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && (await t.prisma.outboundMessage.count({ where: { to: ALICE, status: 'failed' } })) === 0) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 1_500)); // past the first back-off: a retry would show now
      expect(fake.requests).toBe(requests + 1);
      expect(await t.prisma.outboundMessage.count({ where: { to: ALICE } })).toBe(before + 1);
      const row = await lastRowTo(ALICE);
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row.lastError).toContain('400');
      expect(row.lastError).not.toContain('0010');
      expect(row.body).toBe('');
    });

    it('keeps the furthest delivery state when status callbacks arrive out of order and repeated', async () => {
      await text(ALICE, 'BAL 0010');
      const row = await lastRowTo(ALICE);
      const status = (s: string) => ({ MessageSid: row.providerMessageId!, MessageStatus: s, AccountSid: TEST_ACCOUNT_SID, To: ALICE });
      for (const s of ['sent', 'delivered', 'sent', 'sending', 'delivered']) {
        expect((await postSigned(t.baseUrl, '/twilio/sms/status', status(s))).status).toBe(204);
      }
      expect((await lastRowTo(ALICE)).status).toBe('delivered');
      expect((await postSigned(t.baseUrl, '/twilio/sms/status', status('read'))).status).toBe(204);
      expect((await lastRowTo(ALICE)).status).toBe('read');
      const unsigned = await postSigned(t.baseUrl, '/twilio/sms/status', status('failed'), { token: 'not-the-auth-token-at-all' });
      expect(unsigned.status).toBe(403);
      expect((await lastRowTo(ALICE)).status).toBe('read');
    });

    it('sends each message once, with our id in its status callback URL', async () => {
      await text(ALICE, 'BAL 0010');
      const row = await lastRowTo(ALICE);
      const sent = fake.received.at(-1)!.params;
      expect(sent.StatusCallback).toBe(`${PUBLIC_BASE_URL}/twilio/sms/status?m=${row.id}`);
      // A callback that beats the provider's answer (no MessageSid known yet) still finds it by our id.
      const early = await postSigned(t.baseUrl, `/twilio/sms/status?m=${row.id}`, { MessageSid: `SM${'f'.repeat(32)}`, MessageStatus: 'delivered' });
      expect(early.status).toBe(204);
      expect((await lastRowTo(ALICE)).status).toBe('delivered');
      // The job runs again (a redelivery): the message is not sent a second time.
      const requests = fake.requests;
      await t.app.get(JobHandlers).run('sms.send', { messageId: row.id });
      expect(fake.requests).toBe(requests);
    });
  });
});
