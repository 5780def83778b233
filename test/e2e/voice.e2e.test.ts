import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { postSigned, PUBLIC_BASE_URL, sid } from '../support/twilio-webhooks.js';

const storage = inject('storage');
const ALICE = '+15555550100';
const ALICE_PHONE_PIN = '135790';
const LI = '+8613800138000';
const LI_PHONE_PIN = '246802';
const UNKNOWN = '+15555550777';

/** What a turn says, where its Gather posts, and how it ends. */
interface Turn {
  readonly xml: string;
  readonly said: string;
  readonly action?: string;
  readonly hangup: boolean;
  readonly dial?: string;
}

function read(xml: string): Turn {
  const said = [...xml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]).join(' ');
  const action = /<Gather[^>]* action="([^"]+)"/.exec(xml)?.[1]?.replace(/&amp;/g, '&');
  return { xml, said, action, hangup: xml.includes('<Hangup/>'), dial: /<Dial>([^<]+)<\/Dial>/.exec(xml)?.[1] };
}

describe(`voice channel (${storage})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('voice', storage, { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: 'test-twilio-auth-token-0123456789', RATE_PHONE_PER_MINUTE: '200' });
  });
  afterAll(async () => t?.close());

  /** A call as Twilio places it: the entry webhook, then each key entry posted to the Gather's action. */
  class Call {
    readonly callSid = sid('CA');
    last!: Turn;
    constructor(readonly from: string) {}

    async start(): Promise<Turn> {
      return this.post('/twilio/voice', {});
    }

    async press(digits: string): Promise<Turn> {
      const action = this.last.action;
      if (!action) throw new Error('this turn asks for nothing');
      expect(action.startsWith(PUBLIC_BASE_URL)).toBe(true);
      return this.post(action.slice(PUBLIC_BASE_URL.length), { Digits: digits });
    }

    async post(path: string, extra: Record<string, string>): Promise<Turn> {
      const res = await postSigned(t.baseUrl, path, { CallSid: this.callSid, From: this.from, To: '+15555550000', CallStatus: 'in-progress', AccountSid: `AC${'0'.repeat(32)}`, ...extra });
      expect(res.status, res.text).toBe(200);
      expect(res.contentType).toContain('text/xml');
      this.last = read(res.text);
      return this.last;
    }
  }

  it('greets a known caller in English, takes the phone PIN and speaks every card in words', async () => {
    const call = new Call(ALICE);
    const entry = await call.start();
    expect(entry.said).toContain('Welcome');
    expect(entry.xml).toContain('voice="Polly.Joanna"');
    expect(entry.xml).toContain('language="en-US"');
    expect(entry.action).toMatch(/\/twilio\/voice\/pin\?s=\d+$/);
    const balances = await call.press(ALICE_PHONE_PIN);
    expect(balances.said).toContain('available balance one thousand two hundred thirty-four dollars and fifty-six cents');
    expect(balances.said).toContain('zero zero one zero');
    expect(balances.said).toContain('one hundred yuan'); // the Lotus Bank card: cross-issuer
    expect(balances.said).toMatch(/ending zero zero three six.*blocked/);
    expect(balances.action).toMatch(/\/twilio\/voice\/menu\?s=\d+$/);

    const repeat = await call.press('1');
    expect(repeat.said).toContain('one thousand two hundred thirty-four dollars and fifty-six cents');
    const history = await call.press('2');
    expect(history.said).toContain('Recent transactions on the card ending zero zero one zero');
    expect(history.said).toMatch(/(debit|credit) of/);
    const queries = await t.prisma.auditEvent.count({ where: { channel: 'voice' } });
    const back = await call.press('*');
    expect(back.said).toContain('fifty-six cents');
    expect(back.said).not.toContain('Recent transactions');
    expect(await t.prisma.auditEvent.count({ where: { channel: 'voice' } })).toBe(queries); // said again, not asked again
    const main = await call.press('9');
    expect(main.said).toContain('press 0');
    const menuStep = call.last.action!.slice(PUBLIC_BASE_URL.length);
    const agent = await call.press('0');
    expect(agent.dial).toBe('+15555550199');
    const started = Date.now();
    const repeated = await call.post(menuStep, { Digits: '0' });
    expect(repeated.xml).toBe(agent.xml);
    expect(Date.now() - started).toBeLessThan(1_000); // answered from the stored turn, not after a wait

    const rows = await t.prisma.auditEvent.findMany({ where: { channel: 'voice', correlationId: { startsWith: call.callSid } } });
    expect(rows.filter((r) => r.outcome === 'APPROVED').map((r) => r.cardLast4)).toEqual(expect.arrayContaining(['0010', '0022']));
  });

  it('speaks Chinese to a Chinese cardholder with the configured voice', async () => {
    const call = new Call(LI);
    const entry = await call.start();
    expect(entry.xml).toContain('voice="Polly.Zhiyu"');
    expect(entry.said).toContain('电话银行密码');
    const balances = await call.press(LI_PHONE_PIN);
    expect(balances.said).toContain('可用余额八千八百八十八元八角八分');
    expect(balances.said).toContain('账面余额九千元');
    expect(balances.said).toContain('零零一四');
  });

  it('lets an unknown caller choose a language, key in a card number and the holder\'s phone PIN', async () => {
    const call = new Call(UNKNOWN);
    const entry = await call.start();
    expect(entry.said).toContain('中文服务请按1');
    expect(entry.said).toContain('For English, press 2');
    const card = await call.press('1');
    expect(card.said).toContain('卡号');
    expect(card.action).toMatch(/\/card\?s=\d+$/);
    const pin = await call.press('4761739001010010');
    expect(pin.action).toMatch(/\/pin\?s=\d+$/);
    expect(pin.xml).not.toContain('4761739001010010');
    const balances = await call.press(ALICE_PHONE_PIN);
    expect(balances.said).toContain('可用余额');
    expect(balances.said).toContain('一千二百三十四美元五十六美分');
    const row = await t.prisma.auditEvent.findFirst({ where: { channel: 'voice', requester: 'caller:+*******0777', outcome: 'APPROVED' } });
    expect(row?.cardLast4).toBeDefined();
  });

  it('refuses a card number that is not valid, and one that is not on file, without saying which', async () => {
    const call = new Call(UNKNOWN);
    await call.start();
    await call.press('2');
    const invalid = await call.press('4761739001010011');
    expect(invalid.said).toContain('not valid');
    await call.press('4111111111111111'); // valid, not ours
    const refused = await call.press(ALICE_PHONE_PIN);
    expect(refused.said).toContain('could not verify that card number and PIN');
    expect(await t.prisma.auditEvent.count({ where: { channel: 'voice', outcome: 'UNKNOWN_CARD' } })).toBeGreaterThan(0);

    // A real card with a wrong PIN gets exactly the same answer: the menu tells nobody which cards exist.
    const real = new Call(UNKNOWN);
    await real.start();
    await real.press('2');
    await real.press('6217000000000014'); // Li's card
    const wrong = await real.press('000000');
    expect(wrong.said).toBe(refused.said);
    expect(wrong.action?.replace(/s=\d+$/, '')).toBe(refused.action?.replace(/s=\d+$/, ''));
    // Three failures in one call end it, whatever the cards tried.
    await real.press('4111111111111111');
    expect((await real.press('111111')).hangup).toBe(false);
    await real.press('6217000000000014');
    const bye = await real.press('222222');
    expect(bye.hangup).toBe(true);
    await t.prisma.cardholder.updateMany({ where: { phones: { some: { e164: LI } } }, data: { phonePinTries: 0, phonePinLockedAt: null } });
  });

  it('gives parallel calls three phone-PIN guesses between them, not three each', async () => {
    const calls = Array.from({ length: 6 }, () => new Call(LI));
    await Promise.all(calls.map((c) => c.start()));
    const turns = await Promise.all(calls.map((c) => c.press('000000')));
    expect(turns.filter((turn) => turn.said.includes('密码不正确')).length).toBeLessThanOrEqual(2);
    const holder = await t.prisma.cardholder.findFirstOrThrow({ where: { phones: { some: { e164: LI } } } });
    expect(holder.phonePinTries).toBe(3);
    expect(holder.phonePinLockedAt).not.toBeNull();
    const late = new Call(LI);
    await late.start();
    expect((await late.press(LI_PHONE_PIN)).said).not.toContain('可用余额');
    await t.prisma.cardholder.updateMany({ where: { id: holder.id }, data: { phonePinTries: 0, phonePinLockedAt: null } });
  });

  it('locks voice access after three wrong phone PINs until an operator unlocks it; a replayed step counts once', async () => {
    const call = new Call(ALICE);
    await call.start();
    const pinStep = call.last.action!.slice(PUBLIC_BASE_URL.length);
    const first = await call.press('111111');
    expect(first.said).toContain('2 tries left');
    const replay = await call.post(pinStep, { Digits: '111111' });
    expect(replay.xml).toBe(first.xml);
    expect((await t.prisma.cardholder.findFirstOrThrow({ where: { phones: { some: { e164: ALICE } } } })).phonePinTries).toBe(1);
    call.last = first;
    expect((await call.press('222222')).said).toContain('one try left');
    const locked = await call.press('333333');
    expect(locked.said).toContain('locked');
    expect(locked.hangup).toBe(true);

    const again = new Call(ALICE);
    await again.start();
    const stillLocked = await again.press(ALICE_PHONE_PIN);
    expect(stillLocked.said).toContain('locked');
    expect(stillLocked.said).not.toContain('dollars');

    const outcomes = (await t.prisma.auditEvent.findMany({ where: { channel: 'voice', requester: 'phone:+*******0100', detail: { path: ['step'], equals: 'phone-pin' } } })).map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'WRONG_PIN').length).toBe(2);
    expect(outcomes).toContain('PIN_TRIES_EXCEEDED');

    // The operator's unlock (issue 6 builds the console for it).
    await t.prisma.cardholder.updateMany({ where: { phones: { some: { e164: ALICE } } }, data: { phonePinTries: 0, phonePinLockedAt: null } });
    const unlocked = new Call(ALICE);
    await unlocked.start();
    expect((await unlocked.press(ALICE_PHONE_PIN)).said).toContain('fifty-six cents');
  });

  it('re-prompts on no input and invalid input, and hangs up after three failures', async () => {
    const call = new Call(ALICE);
    await call.start();
    const none = await call.press('');
    expect(none.said).toContain('did not receive');
    await call.press(ALICE_PHONE_PIN);
    const invalid = await call.press('7');
    expect(invalid.said).toContain('not a valid choice');
    await call.press('');
    const bye = await call.press('');
    expect(bye.said).toContain('Goodbye');
    expect(bye.hangup).toBe(true);
    expect(bye.action).toBeUndefined();
  });

  it('refuses unsigned steps and unknown calls, and never puts digits in a URL', async () => {
    const unsigned = await fetch(`${t.baseUrl}/twilio/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ CallSid: sid('CA'), From: ALICE }),
    });
    expect(unsigned.status).toBe(403);
    const stranger = await postSigned(t.baseUrl, '/twilio/voice/pin?s=1', { CallSid: sid('CA'), From: ALICE, Digits: ALICE_PHONE_PIN });
    expect(stranger.status).toBe(404);
    const log = await import('node:fs').then((fs) => fs.readFileSync(t.logFile, 'utf8'));
    expect(log).not.toContain('4761739001010010');
    expect(log).not.toContain(ALICE_PHONE_PIN);
  });
});
