import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { maskPhone } from '#domain';
import { JobHandlers, JobQueue } from '#platform';
import { SmsProvider, SmsSendError } from '../providers/sms-provider.port.js';
import { OutboundMessages } from './outbound-messages.js';

export const SEND_SMS_JOB = 'sms.send';
/** 429/5xx: retried with back-off (0.5, 1, 2, 4 s); a 4xx is final at once. */
export const SEND_SMS_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 500;

export interface SendSmsData {
  /** The outbound_messages row: the body stays in the database, not in the queue. */
  readonly messageId: string;
  readonly attempt?: number;
}

/** Sends one stored reply through the configured provider, with retries on what retrying can fix. */
@Injectable()
export class SendSmsJob implements OnModuleInit {
  private readonly logger = new Logger('SendSms');

  constructor(
    @Inject(JobHandlers) private readonly handlers: JobHandlers,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(OutboundMessages) private readonly messages: OutboundMessages,
    @Inject(SmsProvider) private readonly provider: SmsProvider,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  onModuleInit(): void {
    this.handlers.register(SEND_SMS_JOB, (data) => this.run(data as SendSmsData));
  }

  async enqueue(messageId: string): Promise<void> {
    await this.queue.enqueue(SEND_SMS_JOB, { messageId } satisfies SendSmsData, { attempts: SEND_SMS_ATTEMPTS, backoffMs: FIRST_BACKOFF_MS });
  }

  async run(data: SendSmsData): Promise<void> {
    const message = await this.messages.find(data.messageId);
    if (!message) return this.logger.warn(`no outbound message ${data.messageId}`);
    if (!(await this.messages.claim(message.id))) return; // sent, failed, or taken by another run
    let accepted;
    try {
      accepted = await this.provider.send({
        id: message.id,
        to: message.to,
        body: message.body,
        validitySeconds: this.config.sms.validitySeconds,
        // Our id rides along, so a callback that beats the provider's answer still finds the message.
        statusCallbackUrl: `${this.config.http.publicBaseUrl}/twilio/sms/status?m=${message.id}`,
      });
    } catch (err) {
      const final = !(err instanceof SmsSendError) || err.kind === 'permanent' || message.attempts + 1 >= SEND_SMS_ATTEMPTS;
      const reason = err instanceof SmsSendError ? err.message : 'unexpected error';
      await this.messages.attemptFailed(message.id, reason, final);
      this.logger.warn(`SMS ${message.id} to ${maskPhone(message.to)}: ${reason}${final ? ' (not retried)' : ' (will retry)'}`);
      if (!final) throw err;
      return;
    }
    try {
      await this.messages.accepted(message.id, accepted.providerMessageId, accepted.status, this.provider.keepsTexts);
    } catch (err) {
      // Sent: never send again. The status callbacks (?m=) still bring its delivery state.
      this.logger.error(`SMS ${message.id} sent as ${accepted.providerMessageId} but not recorded: ${err instanceof Error ? err.message : 'error'}`);
    }
  }
}
