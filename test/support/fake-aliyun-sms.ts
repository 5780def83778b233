import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A loopback stand-in for Alibaba Cloud SMS (dysmsapi 2017-05-25, SendSms over RPC POST). It checks the
 * request the way the real gateway does (parameters, timestamp, nonce, signature) with its own
 * implementation of the signing rules, so a bug shared with the driver's aliyun-signature.ts cannot
 * hide: https://help.aliyun.com/document_detail/28839.html.
 */

export const FAKE_ALIYUN_CREDENTIALS = { accessKeyId: 'LTAI-fake-access-key', accessKeySecret: 'fake-access-key-secret' } as const;

/** One scripted answer; by default `{ code: 'OK', status: 200 }`. `rawBody` replaces the JSON body. */
export interface FakeAliyunReply {
  readonly code?: string;
  readonly status?: number;
  readonly rawBody?: string;
  readonly delayMs?: number;
}

export interface ReceivedAliyunSms {
  readonly phone: string;
  readonly templateCode: string;
  readonly signName: string;
  readonly params: Record<string, string>;
  /** The `content` template variable: the message body. */
  readonly content: string;
}

const REQUIRED = ['AccessKeyId', 'Action', 'Format', 'PhoneNumbers', 'RegionId', 'SignName', 'Signature', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'TemplateCode', 'Timestamp', 'Version'];
const FIXED: Record<string, string> = { Action: 'SendSms', Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', Version: '2017-05-25' };
/** SendSms accepts a mainland number bare or with +, +86, 0086 or 86 in front. */
const MAINLAND_MOBILE = /^(?:\+|\+86|0086|86)?1\d{10}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const MAX_CLOCK_SKEW_MS = 15 * 60_000;

interface Answer {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  readonly rawBody?: string;
  readonly delayMs?: number;
}

export class FakeAliyunSms {
  readonly received: ReceivedAliyunSms[] = [];
  private readonly replies: FakeAliyunReply[] = [];
  private readonly usedNonces = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private requests = 0;

  constructor(private readonly credentials: { accessKeyId: string; accessKeySecret: string } = FAKE_ALIYUN_CREDENTIALS) {}

  /** Queues answers for the next authenticated requests, in order; then it answers OK again. */
  reply(...replies: FakeAliyunReply[]): this {
    this.replies.push(...replies);
    return this;
  }

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = this.answer(req, Buffer.concat(chunks).toString('utf8'));
    const requestId = `FAKE-${String(++this.requests).padStart(8, '0')}`;
    const body =
      answer.rawBody ??
      JSON.stringify(answer.code === 'OK' ? { RequestId: requestId, BizId: `${requestId}^0`, Code: 'OK', Message: 'OK' } : { RequestId: requestId, Code: answer.code, Message: answer.message ?? answer.code });
    const write = () => res.writeHead(answer.status, { 'content-type': answer.rawBody ? 'text/html' : 'application/json;charset=utf-8' }).end(body);
    if (!answer.delayMs) return void write();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      write();
    }, answer.delayMs);
    this.timers.add(timer);
  }

  private answer(req: IncomingMessage, text: string): Answer {
    if (req.method !== 'POST' || req.url !== '/') return { status: 404, code: 'InvalidAction.NotFound' };
    const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(text) : new URLSearchParams();
    const params = Object.fromEntries(form);
    const missing = REQUIRED.find((name) => !params[name]);
    if (missing) return { status: 400, code: `Missing${missing}` };
    const wrong = Object.keys(FIXED).find((name) => params[name] !== FIXED[name]);
    if (wrong) return { status: 400, code: `Invalid${wrong}` };
    if (!TIMESTAMP.test(params.Timestamp)) return { status: 400, code: 'InvalidTimeStamp.Format' };
    if (Math.abs(Date.parse(params.Timestamp) - Date.now()) > MAX_CLOCK_SKEW_MS) return { status: 400, code: 'InvalidTimeStamp.Expired' };
    if (params.AccessKeyId !== this.credentials.accessKeyId) return { status: 404, code: 'InvalidAccessKeyId.NotFound' };
    const { stringToSign, signature } = independentSignature('POST', params, this.credentials.accessKeySecret);
    // The real gateway echoes its string-to-sign here, phone and body included; the driver must not repeat it.
    if (params.Signature !== signature) return { status: 400, code: 'SignatureDoesNotMatch', message: `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}` };
    if (this.usedNonces.has(params.SignatureNonce)) return { status: 400, code: 'SignatureNonceUsed' };
    this.usedNonces.add(params.SignatureNonce);
    return this.sendSms(params);
  }

  private sendSms(params: Record<string, string>): Answer {
    const variables = parseJson(params.TemplateParam ?? '{}');
    const content = typeof variables?.content === 'string' ? variables.content : '';
    this.received.push({ phone: params.PhoneNumbers, templateCode: params.TemplateCode, signName: params.SignName, params, content });
    const scripted = this.replies.shift();
    if (scripted) return { status: scripted.status ?? 200, code: scripted.code ?? 'OK', rawBody: scripted.rawBody, delayMs: scripted.delayMs };
    // Business errors come back as HTTP 200 with a Code, as on the real API.
    if (!variables) return { status: 200, code: 'isv.INVALID_JSON_PARAM' };
    if (!MAINLAND_MOBILE.test(params.PhoneNumbers)) return { status: 200, code: 'isv.MOBILE_NUMBER_ILLEGAL' };
    return { status: 200, code: 'OK' };
  }
}

/** The documented encoding, byte by byte: only A-Z a-z 0-9 - _ . ~ stay literal. */
export function independentPercentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /^[A-Za-z0-9\-_.~]$/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function independentSignature(method: string, params: Record<string, string>, secret: string): { stringToSign: string; signature: string } {
  const pairs = Object.entries(params)
    .filter(([name]) => name !== 'Signature')
    .map(([name, value]) => [independentPercentEncode(name), independentPercentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  const stringToSign = `${method}&${independentPercentEncode('/')}&${independentPercentEncode(canonical)}`;
  return { stringToSign, signature: createHmac('sha1', `${secret}&`).update(Buffer.from(stringToSign, 'utf8')).digest('base64') };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
