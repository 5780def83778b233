import type { TwilioClient } from '../twilio/twilio-client.js';
import { SmsProvider, SmsSendError, type OutboundSms, type SmsAccepted } from './sms-provider.port.js';

/** Twilio Programmable Messaging through the official SDK (`messages.create`). */
export class TwilioSmsProvider extends SmsProvider {
  readonly name = 'twilio';

  constructor(
    private readonly client: TwilioClient,
    private readonly from: string,
  ) {
    super();
  }

  async send(message: OutboundSms): Promise<SmsAccepted> {
    try {
      const sent = await this.client.messages.create({
        to: message.to,
        from: this.from,
        body: message.body,
        validityPeriod: message.validitySeconds,
        ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
      });
      return { providerMessageId: sent.sid, status: sent.status };
    } catch (err) {
      throw toSendError(err);
    }
  }
}

/** Twilio's RestException carries the HTTP status and Twilio's error code; anything else is the network. */
function toSendError(err: unknown): SmsSendError {
  const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : undefined;
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err.code as string | number) : undefined;
  if (status === undefined || Number.isNaN(status)) {
    return new SmsSendError('retryable', `Twilio unreachable: ${err instanceof Error ? err.name : 'error'}`);
  }
  const retryable = status === 429 || status >= 500;
  return new SmsSendError(retryable ? 'retryable' : 'permanent', `Twilio answered ${status} (code ${code ?? 'none'})`, code, status);
}
