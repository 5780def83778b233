import { randomUUID } from 'node:crypto';
import { isE164 } from '#domain';
import { aliyunPercentEncode, aliyunSignature } from './aliyun-signature.js';
import { SmsProvider, SmsSendError, type OutboundSms, type SmsAccepted, type SmsFailureKind } from './sms-provider.port.js';

/*
 * Alibaba Cloud SMS (dysmsapi 2017-05-25, SendSms), the mainland-China driver: Twilio has no two-way
 * SMS there (channels-facts.md §2.8). API reference: https://help.aliyun.com/document_detail/55284.html
 * (English: https://help.aliyun.com/en/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms);
 * error codes: https://help.aliyun.com/document_detail/101346.html.
 *
 * Mainland messages must use an approved template, so the whole body travels as its one variable
 * `${content}`. SendSms has no per-message validity or callback URL (delivery receipts are set up in
 * the console), so `validitySeconds` and `statusCallbackUrl` are not sent.
 */

export interface AliyunSmsOptions {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** The approved 签名, shown as 【signName】 in front of every message. */
  readonly signName: string;
  /** An approved template whose text is only the variable `${content}`. */
  readonly templateCode: string;
  /** Default https://dysmsapi.aliyuncs.com */
  readonly endpoint?: string;
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
  readonly now?: () => Date;
  readonly nonce?: () => string;
}

const DEFAULT_ENDPOINT = 'https://dysmsapi.aliyuncs.com';
/** The SendSms page asks for at least 1 s to the mainland; 5 s still frees a worker quickly. */
const DEFAULT_TIMEOUT_MS = 5_000;
const TEMPLATE_VARIABLE = 'content';

/**
 * Codes a later attempt can clear on its own: gateway flow control (Throttling*), the per-number
 * frequency limit (isv.BUSINESS_LIMIT_CONTROL) and server faults. Console quotas
 * (isv.DAY_LIMIT_CONTROL, isv.MONTH_LIMIT_CONTROL) and balance (isv.AMOUNT_NOT_ENOUGH,
 * isv.OUT_OF_SERVICE) need a person, so they are permanent like every unlisted code.
 */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'isv.BUSINESS_LIMIT_CONTROL',
  'isp.SYSTEM_ERROR',
  'InternalError',
  'ServiceUnavailable',
]);

interface SendSmsResponse {
  readonly RequestId?: unknown;
  readonly BizId?: unknown;
  readonly Code?: unknown;
}

export class AliyunSmsProvider extends SmsProvider {
  override readonly name = 'aliyun';
  private readonly url: string;

  constructor(private readonly options: AliyunSmsOptions) {
    super();
    this.url = `${(options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}/`;
  }

  override async send(message: OutboundSms): Promise<SmsAccepted> {
    const { httpStatus, body } = await this.post(this.signedForm(message));
    const code = typeof body.Code === 'string' ? body.Code : undefined;
    if (httpStatus === 200 && code === 'OK' && typeof body.BizId === 'string') {
      return { providerMessageId: body.BizId, status: 'accepted' };
    }
    const requestId = typeof body.RequestId === 'string' ? body.RequestId : 'none';
    // `Message` is left out on purpose: for SignatureDoesNotMatch it echoes the whole string-to-sign,
    // phone number and message body included.
    throw new SmsSendError(failureKind(httpStatus, code), `aliyun SendSms not accepted: Code ${code ?? 'none'}, HTTP ${httpStatus}, RequestId ${requestId}`, code, httpStatus);
  }

  private signedForm(message: OutboundSms): string {
    const params: Record<string, string> = {
      AccessKeyId: this.options.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: message.id,
      PhoneNumbers: aliyunPhoneNumber(message.to),
      RegionId: 'cn-hangzhou',
      SignName: this.options.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: (this.options.nonce ?? randomUUID)(),
      SignatureVersion: '1.0',
      TemplateCode: this.options.templateCode,
      TemplateParam: JSON.stringify({ [TEMPLATE_VARIABLE]: message.body }),
      Timestamp: aliyunTimestamp((this.options.now ?? (() => new Date()))()),
      Version: '2017-05-25',
    };
    params.Signature = aliyunSignature('POST', params, this.options.accessKeySecret);
    return Object.entries(params).map(([name, value]) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(value)}`).join('&');
  }

  private async post(form: string): Promise<{ httpStatus: number; body: SendSmsResponse }> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const response = await (this.options.fetchImpl ?? fetch)(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { httpStatus: response.status, body: parseBody(await response.text()) };
    } catch (error) {
      throw transportFailure(error, timeoutMs);
    }
  }
}

/**
 * E.164 to the PhoneNumbers format: mainland numbers without +86 (the SendSms page accepts the bare
 * 11 digits), others as country code + number without "+".
 */
export function aliyunPhoneNumber(e164: string): string {
  if (!isE164(e164)) throw new SmsSendError('permanent', 'aliyun SendSms: the recipient is not an E.164 number');
  return e164.startsWith('+86') ? e164.slice(3) : e164.slice(1);
}

/** ISO 8601 UTC to the second, `YYYY-MM-DDThh:mm:ssZ`, as the common parameters require. */
export function aliyunTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function failureKind(httpStatus: number, code: string | undefined): SmsFailureKind {
  if (code !== undefined && RETRYABLE_CODES.has(code)) return 'retryable';
  return httpStatus === 429 || httpStatus >= 500 ? 'retryable' : 'permanent';
}

/** Gateways and proxies can answer HTML or nothing: such a body simply carries no Code. */
function parseBody(text: string): SendSmsResponse {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * Timeouts and network errors are retryable, as the port asks. Note SendSms is not idempotent: a
 * request that timed out may still have been delivered, so a retry can duplicate it (OutId lets
 * delivery receipts tell the two apart).
 */
function transportFailure(error: unknown, timeoutMs: number): SmsSendError {
  const name = error instanceof Error ? error.name : undefined;
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  const failure = new SmsSendError('retryable', timedOut ? `aliyun SendSms timed out after ${timeoutMs} ms` : `aliyun SendSms network error${networkCode(error)}`);
  failure.cause = error;
  return failure;
}

function networkCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? ` (${cause.code})` : '';
}
