/** One outbound text message, as the SMS channel hands it to a provider. */
export interface OutboundSms {
  /** Our own id for the message (outbound_messages row); providers echo it where they can. */
  readonly id: string;
  /** E.164, e.g. +15555550100. */
  readonly to: string;
  readonly body: string;
  /** Seconds after which the provider should drop the message rather than deliver it late. */
  readonly validitySeconds: number;
  /** Where the provider reports delivery states, when it supports callbacks. */
  readonly statusCallbackUrl?: string;
}

/** The provider accepted the message: its own id for it and its first state. */
export interface SmsAccepted {
  readonly providerMessageId: string;
  readonly status: string;
}

export type SmsFailureKind =
  /** Worth retrying later with back-off: rate limited (429), provider 5xx, network error. */
  | 'retryable'
  /** Retrying cannot help: bad number, bad credentials, rejected content (4xx). */
  | 'permanent';

/** A send that failed; `kind` decides whether the job retries. Never carries the message body. */
export class SmsSendError extends Error {
  constructor(
    readonly kind: SmsFailureKind,
    message: string,
    readonly providerCode?: string | number,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/**
 * An SMS provider (Twilio, a mainland-China provider, the embedded outbox). Adding one is one
 * driver file implementing this port and one line in the registry (sms-provider.registry.ts).
 */
export abstract class SmsProvider {
  /** The registry name, e.g. "twilio"; stored with each message. */
  abstract readonly name: string;
  /**
   * Whether the stored text is the delivery itself (the embedded outbox, read on the demo page).
   * Otherwise the text is dropped from the table once the provider has it: a sign-in code or a
   * balance has no business staying there.
   */
  readonly keepsTexts: boolean = false;
  /** Sends one message; throws SmsSendError on failure. */
  abstract send(message: OutboundSms): Promise<SmsAccepted>;
}
