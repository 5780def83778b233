import { Logger } from '@nestjs/common';
import { maskPhone } from '#domain';
import { SmsProvider, type OutboundSms, type SmsAccepted } from './sms-provider.port.js';

/**
 * The embedded default (no SMS account): the message stays in the outbound_messages table, where
 * the log, the web page and `saldo-sms` show it. Nothing leaves the machine.
 */
export class OutboxSmsProvider extends SmsProvider {
  readonly name = 'outbox';
  override readonly keepsTexts = true;
  private readonly logger = new Logger('SmsOutbox');

  /** In production the body (balances) stays out of the log: only development shows it there. */
  constructor(private readonly showBodies: boolean) {
    super();
  }

  async send(message: OutboundSms): Promise<SmsAccepted> {
    const body = this.showBodies ? `: ${message.body}` : '';
    this.logger.log(`SMS to ${maskPhone(message.to)} kept in the outbox (no SMS provider configured)${body}`);
    return { providerMessageId: `OUTBOX-${message.id}`, status: 'delivered' };
  }
}
