import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { isE164 } from '#domain';
import { OutboundMessages, SmsProvider } from '#channels/telephony';

export interface OutboxMessage {
  readonly body: string;
  readonly createdAt: Date;
}

/**
 * With no SMS provider (the embedded demo) nothing is texted: the messages wait in the outbox, and
 * this shows them on a page so a person trying Saldo can read their sign-in code. Only in the demo
 * (`DEMO_MODE`, which production refuses), and never when a real provider sends the texts: anyone
 * who can open it can read anyone's codes.
 */
@Injectable()
export class DemoOutbox {
  constructor(
    @Inject(OutboundMessages) private readonly messages: OutboundMessages,
    @Inject(SmsProvider) private readonly provider: SmsProvider,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  get open(): boolean {
    return this.provider.name === 'outbox' && this.config.demoMode && !this.config.production;
  }

  /** The latest texts to a number, newest first; undefined when there is no outbox here. */
  async latestTo(phone: string): Promise<OutboxMessage[] | undefined> {
    if (!this.open) return undefined;
    if (!isE164(phone)) return [];
    return (await this.messages.latestTo(phone, 5)).map(({ body, createdAt }) => ({ body, createdAt }));
  }
}
