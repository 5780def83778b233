import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isE164 } from '#domain';
import { FakeTwilioApi } from './fake-twilio-api.js';
import { DEFAULT_BANK_NUMBER, SIMULATOR_ACCOUNT_SID, WebhookClient, WebhookClientError } from './webhook-client.js';

export interface SmsOptions {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** The server's PUBLIC_BASE_URL, which Twilio calls and signs over; default `url`. */
  readonly publicUrl?: string;
  /** The auth token the server checks X-Twilio-Signature with (and, in fake-API mode, sends as Basic auth). */
  readonly token: string;
  /** The cardholder's phone. */
  readonly from: string;
  /** The bank's number; default +15555550000. */
  readonly to?: string;
  readonly body: string;
  /** How long to wait for the first reply after the webhook; default 10 s. */
  readonly waitMs?: number;
  /** Once a reply is in, the quiet time after which no more are expected; default 750 ms. */
  readonly settleMs?: number;
  /**
   * Receive the replies on a fake of Twilio's Messages API listening on 127.0.0.1 at this port
   * (the server runs with TWILIO_ACCOUNT_SID and TWILIO_API_BASE_URL=http://127.0.0.1:port);
   * without it, read them from the server's outbox (no Twilio account configured).
   */
  readonly fakeApiPort?: number;
  /** Default: a random SM + 32 hex. */
  readonly messageSid?: string;
}

/** The server could not be reached, refused the webhook, has no outbox, or the fake API could not listen. */
export class SmsClientError extends WebhookClientError {
  override name = 'SmsClientError';
}

const POLL_MS = 100;

interface OutboxMessage {
  readonly id: string;
  readonly body: string;
  readonly status: string;
  readonly createdAt: string;
}

/**
 * Texts `body` from `from` to the server as Twilio would (a signed POST /twilio/sms) and answers
 * the reply bodies, oldest first: every reply that arrived by the time the server has been quiet
 * for `settleMs`, or [] when none came within `waitMs`.
 */
export async function sendSms(options: SmsOptions): Promise<string[]> {
  // The outbox answers 404 for a malformed number too, which would read as "no outbox".
  if (!isE164(options.from)) throw new SmsClientError(`from must be an E.164 number, e.g. +15555550100`);
  const server = new SignedRequests(options);
  if (options.fakeApiPort === undefined) {
    const before = new Set((await server.outbox()).map((m) => m.id));
    await server.postInbound();
    return collect(options, async () =>
      (await server.outbox())
        .filter((m) => !before.has(m.id))
        .reverse()
        .map((m) => m.body),
    );
  }

  const api = new FakeTwilioApi(options.token);
  try {
    await api.listen(options.fakeApiPort);
  } catch (error) {
    throw new SmsClientError(`cannot listen on 127.0.0.1:${options.fakeApiPort} for the fake Twilio API: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    await server.postInbound();
    const replies = await collect(options, async () => api.sent.filter((m) => m.to === options.from).map((m) => m.body));
    if (!replies.length && api.refusals.length) {
      throw new SmsClientError(`the fake Twilio API refused what the server sent: ${[...new Set(api.refusals)].join('; ')}`);
    }
    return replies;
  } finally {
    await api.close();
  }
}

/** Polls until a first reply, then until no new one for settleMs; [] past waitMs. */
async function collect(options: SmsOptions, replies: () => Promise<string[]>): Promise<string[]> {
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  const settleMs = options.settleMs ?? 750;
  let seen: string[] = [];
  let changedAt = 0;
  for (;;) {
    const now = Date.now();
    const current = await replies();
    if (current.length !== seen.length) {
      seen = current;
      changedAt = now;
    }
    if (seen.length ? now - changedAt >= settleMs : now >= deadline) return seen;
    await sleep(POLL_MS);
  }
}

/** Twilio's side of a text: the signed inbound webhook, and the outbox read with the same signing. */
class SignedRequests {
  private readonly client: WebhookClient;

  constructor(private readonly options: SmsOptions) {
    // No timeoutMs: each request has the default 15 s.
    const server = { url: options.url, publicUrl: options.publicUrl, token: options.token };
    this.client = new WebhookClient(server, { error: SmsClientError, hideQueryInErrors: true });
  }

  async postInbound(): Promise<void> {
    const sid = this.options.messageSid ?? `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      ToCountry: 'US',
      SmsMessageSid: sid,
      NumMedia: '0',
      SmsSid: sid,
      SmsStatus: 'received',
      Body: this.options.body,
      To: this.options.to ?? DEFAULT_BANK_NUMBER,
      NumSegments: '1',
      MessageSid: sid,
      AccountSid: SIMULATOR_ACCOUNT_SID,
      From: this.options.from,
      ApiVersion: '2010-04-01',
    };
    const res = await this.send('POST', '/twilio/sms', params);
    if (res.status !== 200) throw this.client.refused('POST /twilio/sms', res.status);
  }

  /** The latest replies to the phone, newest first (the server's outbox: embedded mode only). */
  async outbox(): Promise<OutboxMessage[]> {
    const res = await this.send('GET', `/twilio/sms/outbox?to=${encodeURIComponent(this.options.from)}`);
    if (res.status === 404) {
      throw new SmsClientError('the server has no outbox (it sends SMS through a provider): when its TWILIO_API_BASE_URL is http://127.0.0.1:N, use --fake-api-port N');
    }
    if (res.status !== 200) throw this.client.refused('GET /twilio/sms/outbox', res.status);
    const parsed = JSON.parse(res.text) as { messages?: OutboxMessage[] };
    if (!Array.isArray(parsed.messages)) throw new SmsClientError('GET /twilio/sms/outbox answered without a messages list');
    return parsed.messages;
  }

  private async send(method: 'GET' | 'POST', pathAndQuery: string, params?: Record<string, string>): Promise<{ status: number; text: string }> {
    return this.client.send(method, `${this.client.publicBase}${pathAndQuery}`, params);
  }
}
