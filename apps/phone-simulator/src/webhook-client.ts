import twilio from 'twilio';

/** The bank's number the simulators text and call unless told otherwise (the demo bank number). */
export const DEFAULT_BANK_NUMBER = '+15555550000';
/** Signed into each webhook like Twilio's AccountSid; the server does not check it. */
export const SIMULATOR_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

/**
 * What a simulator's client fails with (unreachable server, refused webhook, ...): its CLI prints
 * the message alone, with exit status 1. Each client has its own subclass.
 */
export class WebhookClientError extends Error {
  override name = 'WebhookClientError';
}

export interface WebhookServer {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** The server's PUBLIC_BASE_URL, which Twilio calls and signs over; default `url`. */
  readonly publicUrl?: string;
  /** The auth token the server checks X-Twilio-Signature with. */
  readonly token: string;
  /** Each request's answer time limit; default 15 s. */
  readonly timeoutMs?: number;
}

export interface WebhookClientConfig {
  /** The error class the client's failures are thrown as. */
  readonly error: new (message: string, options?: ErrorOptions) => WebhookClientError;
  /** Leave the query out of the URL a failed request names (it may carry the cardholder's phone). */
  readonly hideQueryInErrors?: boolean;
}

/**
 * Twilio's side of the webhooks: each request signed over its public URL (a GET's parameters go
 * into the query, which the signature covers alone) and sent to the same path and query under the
 * server's own address.
 */
export class WebhookClient {
  /** The public URL without a trailing slash. */
  readonly publicBase: string;
  private readonly serverBase: string;

  constructor(
    private readonly server: WebhookServer,
    private readonly config: WebhookClientConfig,
  ) {
    this.serverBase = trimSlash(server.url);
    this.publicBase = trimSlash(server.publicUrl ?? server.url);
  }

  /** Sends the request and reads the answer; a failure to do either is thrown as the client's error. */
  async send(method: 'GET' | 'POST', publicUrl: string, params?: Record<string, string>): Promise<{ status: number; text: string; target: string }> {
    const { response, target } = await this.request(method, publicUrl, params);
    try {
      return { status: response.status, text: await response.text(), target };
    } catch (error) {
      throw this.failed(method, target, error);
    }
  }

  /** Sends the request; the answer's body is left to read. */
  async request(method: 'GET' | 'POST', publicUrl: string, params?: Record<string, string>): Promise<{ response: Response; target: string }> {
    const form = params ? new URLSearchParams(params) : undefined;
    const signedUrl = method === 'GET' && form ? `${publicUrl}${publicUrl.includes('?') ? '&' : '?'}${form.toString()}` : publicUrl;
    const signature = twilio.getExpectedTwilioSignature(this.server.token, signedUrl, method === 'GET' ? {} : (params ?? {}));
    const target = this.serverUrl(signedUrl);
    const body = method === 'POST' ? form : undefined;
    try {
      const response = await fetch(target, {
        method,
        headers: { 'x-twilio-signature': signature, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(this.server.timeoutMs ?? 15_000),
      });
      return { response, target };
    } catch (error) {
      throw this.failed(method, target, error);
    }
  }

  /** The server answered `status` instead of 200; a 403 is most likely a signature it refused. */
  refused(request: string, status: number): WebhookClientError {
    const hint = status === 403 ? ' (signature refused: check --token and --public-url against the server)' : '';
    return new this.config.error(`${request} answered HTTP ${status}${hint}`);
  }

  private failed(method: string, target: string, error: unknown): WebhookClientError {
    const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    const shown = this.config.hideQueryInErrors ? target.split('?')[0] : target;
    return new this.config.error(`${method} ${shown} failed: ${why}`, { cause: error });
  }

  /** The same path and query under the server's own address. */
  private serverUrl(publicUrl: string): string {
    const base = this.publicBase;
    const rest = publicUrl.slice(base.length);
    if (!publicUrl.startsWith(base) || !(rest === '' || rest.startsWith('/') || rest.startsWith('?'))) {
      throw new this.config.error(`the server sent the call to ${publicUrl}, which is not under the public URL ${base} (check --public-url)`);
    }
    return `${this.serverBase}${rest}`;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
