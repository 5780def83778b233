import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the server asked Twilio to send. */
export interface SentMessage {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly statusCallback?: string;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * A minimal fake of Twilio's Messages API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json),
 * for a server started with TWILIO_API_BASE_URL pointing here. Like Twilio it wants Basic auth
 * with the account SID of the path and the auth token, answers 201 with the message resource
 * (status queued), 400 for a missing To, From or Body, 401 and 404 as Twilio does. It sends
 * nothing anywhere and calls no status callback.
 */
export class FakeTwilioApi {
  readonly sent: SentMessage[] = [];
  /** Why requests were refused ("401 ..."), to explain a reply that never came. */
  readonly refusals: string[] = [];
  private server: Server | undefined;

  constructor(private readonly authToken: string) {}

  /** Listens on host:port (default 127.0.0.1); answers the port (useful with 0). */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server?.listening) return;
    // The twilio SDK keeps connections alive: drop them, or close() waits for their idle timeout.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return answer(413, twilioError(413, 20001, 'Request body too large'));
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    const match = MESSAGES_PATH.exec(path);
    if (req.method !== 'POST' || !match) {
      this.refusals.push(`404 for ${req.method ?? '?'} ${path}`);
      return answer(404, twilioError(404, 20404, `The requested resource ${path} was not found`));
    }
    const accountSid = match[1];
    if (req.headers.authorization !== `Basic ${Buffer.from(`${accountSid}:${this.authToken}`).toString('base64')}`) {
      this.refusals.push(`401: Basic auth is not ${accountSid} with the auth token given to the simulator`);
      return answer(401, twilioError(401, 20003, 'Authenticate'));
    }
    const form = new URLSearchParams(text);
    const [to, from, body] = [form.get('To'), form.get('From') ?? form.get('MessagingServiceSid'), form.get('Body')];
    const missing = !to ? ([21604, "A 'To' phone number is required."] as const) : !from ? ([21603, "A 'From' phone number is required."] as const) : !body ? ([21602, 'Message body is required.'] as const) : undefined;
    if (missing) {
      this.refusals.push(`400: ${missing[1]}`);
      return answer(400, twilioError(400, missing[0], missing[1]));
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const statusCallback = form.get('StatusCallback') ?? undefined;
    this.sent.push({ sid, accountSid, to: to!, from: from!, body: body!, ...(statusCallback ? { statusCallback } : {}) });
    const now = new Date().toUTCString().replace('GMT', '+0000');
    answer(201, {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  }
}

function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RangeError('body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
