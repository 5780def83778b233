import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { SaldoConfig } from '#config';

type RequestOptions<TData> = RequestClient.RequestOptions<TData>;

type TwilioClient = ReturnType<typeof twilio>;

/**
 * Sends every REST call the SDK makes to `baseUrl` instead of *.twilio.com, keeping the SDK's own
 * form encoding, Basic auth and error mapping (RestException). The SDK has no base-URL option;
 * a custom httpClient is its documented extension point.
 */
class LocalRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ keepAlive: true });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const original = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.baseUrl}${original.pathname}${original.search}` });
  }
}

/** The Twilio REST client, or undefined when no account is configured (replies go to the outbox). */
export function createTwilioClient(config: SaldoConfig): TwilioClient | undefined {
  const { accountSid, authToken, apiBaseUrl } = config.twilio;
  if (!accountSid || !authToken) return undefined;
  return twilio(accountSid, authToken, apiBaseUrl ? { httpClient: new LocalRequestClient(apiBaseUrl) } : {});
}

export type { TwilioClient };
