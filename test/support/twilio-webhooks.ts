import twilio from 'twilio';

/** The URL Twilio is configured with in the tests: what the gateway must sign-check against. */
export const PUBLIC_BASE_URL = 'https://saldo.example.test';
export const TEST_ACCOUNT_SID = `AC${'5a1d0'.repeat(6)}12`;
export const TEST_AUTH_TOKEN = 'test-twilio-auth-token-0123456789';

let counter = 0;
/** A MessageSid / CallSid shaped like Twilio's. */
export function sid(prefix: 'SM' | 'CA'): string {
  counter++;
  return `${prefix}${Date.now().toString(16).padStart(16, '0')}${counter.toString(16).padStart(16, '0')}`;
}

/**
 * Posts a webhook as Twilio does: form-encoded, signed over the public URL (path and query as
 * sent) and every parameter, to the app's real socket.
 */
export async function postSigned(
  baseUrl: string,
  pathAndQuery: string,
  params: Record<string, string>,
  options: { token?: string; signature?: string; publicBaseUrl?: string } = {},
): Promise<{ status: number; text: string; contentType: string | null }> {
  const signature =
    options.signature ?? twilio.getExpectedTwilioSignature(options.token ?? TEST_AUTH_TOKEN, `${options.publicBaseUrl ?? PUBLIC_BASE_URL}${pathAndQuery}`, params);
  const res = await fetch(`${baseUrl}${pathAndQuery}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params),
  });
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') };
}

export function inboundSms(from: string, body: string, messageSid = sid('SM')): Record<string, string> {
  return {
    ToCountry: 'US',
    SmsMessageSid: messageSid,
    NumMedia: '0',
    SmsSid: messageSid,
    SmsStatus: 'received',
    Body: body,
    To: '+15555550000',
    NumSegments: '1',
    MessageSid: messageSid,
    AccountSid: TEST_ACCOUNT_SID,
    From: from,
    ApiVersion: '2010-04-01',
  };
}
