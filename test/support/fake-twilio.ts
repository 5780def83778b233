import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  readonly accountSid: string;
  readonly params: Record<string, string>;
}

interface ScriptedReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A local fake of Twilio's REST API (the Messages resource), reached by the real twilio SDK through
 * TWILIO_API_BASE_URL. It checks Basic auth like Twilio, records what it accepted, and answers
 * from a script (e.g. 429 then 201) when one is queued.
 */
export class FakeTwilioApi {
  readonly received: ReceivedSms[] = [];
  /** Every request, accepted or not (for "was it retried?"). */
  requests = 0;
  private readonly script: ScriptedReply[] = [];
  private server: Server | undefined;

  constructor(
    readonly accountSid: string,
    private readonly authToken: string,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests get these answers, in order, before the fake goes back to accepting. */
  reply(...replies: ScriptedReply[]): void {
    this.script.push(...replies);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage): Promise<ScriptedReply> {
    this.requests++;
    const text = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      req.on('end', () => resolve(data));
    });
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match || match[1] !== this.accountSid) {
      return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
    }
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const params = Object.fromEntries(new URLSearchParams(text));
    this.received.push({ accountSid: match[1], params });
    const sid = `SM${randomBytes(16).toString('hex')}`;
    return { status: 201, body: { sid, account_sid: this.accountSid, to: params.To, from: params.From, body: params.Body, status: 'queued', num_segments: '1' } };
  }
}

/** A 429 exactly as Twilio sends it (code 20429). */
export const TOO_MANY_REQUESTS = { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } };
/** An invalid 'To' number (code 21211): a 4xx the SDK must not retry. */
export const INVALID_TO = { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } };
