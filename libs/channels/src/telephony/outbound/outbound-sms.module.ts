import { Module } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { SmsProvider } from '../providers/sms-provider.port.js';
import { createSmsProvider } from '../providers/sms-provider.registry.js';
import { OutboundMessages } from './outbound-messages.js';
import { OutboundSweepJob } from './outbound-sweep.job.js';
import { SendSmsJob } from './send-sms.job.js';

/**
 * Outbound text messages for every channel that sends one: stored in outbound_messages, sent by the
 * `sms.send` job through the configured SmsProvider. Imported by the API and the worker.
 */
@Module({
  providers: [{ provide: SmsProvider, inject: [SaldoConfig], useFactory: createSmsProvider }, OutboundMessages, SendSmsJob, OutboundSweepJob],
  exports: [SmsProvider, OutboundMessages, SendSmsJob],
})
export class OutboundSmsModule {}
