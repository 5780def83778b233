import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CallClientError, playCall, scriptedKeypad, spokenTexts, type CallEvent } from '../../apps/phone-simulator/src/call-client.js';
import { decodeXmlEntities, parseTwiml, TwimlError } from '../../apps/phone-simulator/src/twiml.js';
import { sendSms, SmsClientError } from '../../apps/phone-simulator/src/sms-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { PUBLIC_BASE_URL, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../support/twilio-webhooks.js';

const storage = inject('storage');
const ALICE = '+15555550100';
const STRANGER = '+15555550777';
const ALICE_PHONE_PIN = '135790';
const ALICE_CARD = '4761739001010010';
const BALANCE_WORDS = 'one thousand two hundred thirty-four dollars and fifty-six cents';

/** A port nothing listens on right now (the fake Twilio API's, known before the server starts). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function keys(events: readonly CallEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'keys' ? [e.digits] : []));
}

// The simulators' exported functions, in process, against the real API over its socket. In the
// postgres project WORKER_IN_PROCESS makes the SMS jobs run in the API, as the embedded mode does.
describe(`saldo-sms and saldo-call (${storage})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('phone-sim', storage, { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, WORKER_IN_PROCESS: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const server = () => ({ url: t.baseUrl, publicUrl: PUBLIC_BASE_URL, token: TEST_AUTH_TOKEN });

  describe('saldo-sms, replies from the outbox', () => {
    it('texts BAL from Alice and answers her balances', async () => {
      const replies = await sendSms({ ...server(), from: ALICE, body: 'BAL' });
      expect(replies.length).toBeGreaterThan(0);
      const joined = replies.join('\n');
      expect(joined).toContain('0010');
      expect(joined).toContain('1,234.56');
      expect(joined).not.toContain(ALICE_CARD);
    });

    it('answers only the replies to this text, not the earlier ones', async () => {
      const replies = await sendSms({ ...server(), from: ALICE, body: 'BAL 0010' });
      expect(replies).toHaveLength(1);
      expect(replies[0]).toContain('0010');
      expect(replies[0]).not.toContain('0022');
    });

    it('answers [] when no reply comes in time (a carrier keyword gets none)', async () => {
      expect(await sendSms({ ...server(), from: ALICE, body: 'STOP', waitMs: 600 })).toEqual([]);
    });

    it('says why when the server refuses the signature', async () => {
      await expect(sendSms({ ...server(), token: 'not-the-auth-token-at-all', from: ALICE, body: 'BAL' })).rejects.toThrow(/HTTP 403/);
      await expect(sendSms({ ...server(), publicUrl: 'https://elsewhere.example', from: ALICE, body: 'BAL' })).rejects.toBeInstanceOf(SmsClientError);
    });
  });

  describe('saldo-call', () => {
    it('plays Alice\'s call: PIN, balances spoken, repeat, main menu, agent', async () => {
      const transcript = await playCall({ ...server(), from: ALICE }, scriptedKeypad([ALICE_PHONE_PIN, '1', '9', '0']));
      expect(transcript.callSid).toMatch(/^CA[0-9a-f]{32}$/);
      expect(keys(transcript.events)).toEqual([ALICE_PHONE_PIN, '1', '9', '0']);
      const spoken = spokenTexts(transcript);
      expect(spoken[0]).toBe('Welcome to the Saldo balance line.');
      // Said after the PIN, and again for "1 repeat".
      expect(spoken.filter((s) => s.includes(BALANCE_WORDS))).toHaveLength(2);
      expect(transcript.events.find((e) => e.kind === 'say')).toMatchObject({ language: 'en-US' });
      expect(transcript.end).toEqual({ kind: 'dial', number: '+15555550199' });
      expect(transcript.events.at(-1)).toEqual(transcript.end);
    });

    it('plays an unknown caller\'s call: language, card number, PIN, balances; then the digits run out', async () => {
      const transcript = await playCall({ ...server(), from: STRANGER }, scriptedKeypad(['2', ALICE_CARD, ALICE_PHONE_PIN]));
      const spoken = spokenTexts(transcript);
      expect(spoken.slice(0, 2)).toEqual(['中文服务请按1。', 'For English, press 2.']);
      expect(spoken.join('\n')).toContain(BALANCE_WORDS);
      expect(transcript.end).toEqual({ kind: 'caller-hung-up' });
    });

    it('counts an empty entry as no input: three of them and the server hangs up', async () => {
      const transcript = await playCall({ ...server(), from: ALICE }, scriptedKeypad(['', '', '']));
      expect(keys(transcript.events)).toEqual(['', '', '']);
      expect(spokenTexts(transcript).filter((s) => s === 'We did not receive your entry.')).toHaveLength(2);
      expect(spokenTexts(transcript).at(-1)).toBe('Thank you for calling. Goodbye.');
      expect(transcript.end).toEqual({ kind: 'hangup' });
    });

    it('sends what Twilio would: the keys before the finishing key, at most numDigits of them', async () => {
      const transcript = await playCall({ ...server(), from: ALICE }, scriptedKeypad([`${ALICE_PHONE_PIN}#9`, '07']));
      expect(keys(transcript.events)).toEqual([ALICE_PHONE_PIN, '0']);
      expect(transcript.end).toEqual({ kind: 'dial', number: '+15555550199' });
    });

    it('says why when the server refuses the signature', async () => {
      const call = playCall({ ...server(), token: 'not-the-auth-token-at-all', from: ALICE }, scriptedKeypad([]));
      await expect(call).rejects.toBeInstanceOf(CallClientError);
      await expect(playCall({ ...server(), token: 'not-the-auth-token-at-all', from: ALICE }, scriptedKeypad([]))).rejects.toThrow(/HTTP 403/);
    });
  });
});

// Only with PostgreSQL and Redis, to keep the embedded run short.
describe.runIf(storage === 'postgres')('saldo-sms, replies on its fake Twilio API (postgres)', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    t = await startTestApp('phone-sim-api', storage, {
      PUBLIC_BASE_URL,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_API_BASE_URL: `http://127.0.0.1:${port}`,
      WORKER_IN_PROCESS: 'true',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('receives the reply the server sends through the twilio SDK', async () => {
    const replies = await sendSms({ url: t.baseUrl, publicUrl: PUBLIC_BASE_URL, token: TEST_AUTH_TOKEN, from: ALICE, body: 'BAL', fakeApiPort: port });
    const joined = replies.join('\n');
    expect(joined).toContain('0010');
    expect(joined).toContain('1,234.56');
    const row = await t.prisma.outboundMessage.findFirstOrThrow({ where: { to: ALICE }, orderBy: { createdAt: 'desc' } });
    expect(row).toMatchObject({ provider: 'twilio', status: 'sending' });
    expect(row.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('explains that a server with a provider has no outbox', async () => {
    await expect(sendSms({ url: t.baseUrl, publicUrl: PUBLIC_BASE_URL, token: TEST_AUTH_TOKEN, from: ALICE, body: 'BAL' })).rejects.toThrow(/no outbox/);
  });
});

describe('TwiML reader', () => {
  it('reads Say, Gather, Dial and Hangup, decoding entities and keeping Chinese text', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n' +
      '  <Say voice="Polly.Zhiyu" language="cmn-CN">尾号&#x30;010的卡，可用余额一千二百三十四元。</Say>\n' +
      '  <Say voice="Polly.Joanna" language="en-US">Savings &amp; checking: 1 &lt; 2 &gt; 0, &quot;quoted&quot; &apos;too&apos; &#8364;5</Say>\n' +
      '  <!-- a comment -->\n' +
      '  <Gather input="dtmf" action="https://public.example/twilio/voice/pin?s=1&amp;x=a%20b" method="POST" timeout="10" actionOnEmptyResult="true" numDigits="6" finishOnKey="#">' +
      '<Say voice="Polly.Zhiyu" language="cmn-CN">请输入密码，以井号键结束。</Say></Gather>\n' +
      '  <Dial>+15555550199</Dial><Hangup/>\n</Response>';
    expect(parseTwiml(xml)).toEqual([
      { verb: 'Say', text: '尾号0010的卡，可用余额一千二百三十四元。', voice: 'Polly.Zhiyu', language: 'cmn-CN' },
      { verb: 'Say', text: 'Savings & checking: 1 < 2 > 0, "quoted" \'too\' €5', voice: 'Polly.Joanna', language: 'en-US' },
      {
        verb: 'Gather',
        action: 'https://public.example/twilio/voice/pin?s=1&x=a%20b',
        method: 'POST',
        numDigits: 6,
        finishOnKey: '#',
        timeoutSeconds: 10,
        actionOnEmptyResult: true,
        prompts: [{ verb: 'Say', text: '请输入密码，以井号键结束。', voice: 'Polly.Zhiyu', language: 'cmn-CN' }],
      },
      { verb: 'Dial', number: '+15555550199' },
      { verb: 'Hangup' },
    ]);
  });

  it('fills in Twilio\'s defaults and reads Redirect, <Dial><Number>, CDATA and unknown verbs', () => {
    const xml = "<Response><Gather><Say>Press a key</Say></Gather><Play>https://x/a.mp3</Play><Dial><Number>+8613800138000</Number></Dial><Redirect method='get'>/twilio/voice/menu?s=2</Redirect><Say><![CDATA[a < b & c]]></Say></Response>";
    expect(parseTwiml(xml)).toEqual([
      { verb: 'Gather', method: 'POST', finishOnKey: '#', timeoutSeconds: 5, actionOnEmptyResult: false, prompts: [{ verb: 'Say', text: 'Press a key' }] },
      { verb: 'Other', name: 'Play' },
      { verb: 'Dial', number: '+8613800138000' },
      { verb: 'Redirect', url: '/twilio/voice/menu?s=2', method: 'GET' },
      { verb: 'Say', text: 'a < b & c' },
    ]);
    expect(parseTwiml('<Response/>')).toEqual([]);
  });

  it('leaves unknown entities as written', () => {
    expect(decodeXmlEntities('&nbsp; &amp;amp; &#65;&#x42;')).toBe('&nbsp; &amp; AB');
  });

  it.each([
    ['not a Response', '<Other/>'],
    ['unclosed', '<Response><Say>hi</Response>'],
    ['stray <', '<Response><Say>1 < 2</Say></Response>'],
    ['two roots', '<Response/><Response/>'],
    ['empty', ''],
    ['JSON error', '{"message":"no such call"}'],
  ])('refuses %s', (_, xml) => {
    expect(() => parseTwiml(xml)).toThrow(TwimlError);
  });
});
