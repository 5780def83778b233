import { Module } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { createSmsProvider, SmsProvider, TelephonyModule } from '#channels/telephony';
import { DeliveryStatusService } from './delivery-status.service.js';
import { InboundSmsService } from './inbound-sms.service.js';
import { OutboundMessages } from './outbound-messages.js';
import { SendSmsJob } from './send-sms.job.js';
import { SmsAnswerJob } from './sms-answer.job.js';
import { SmsController } from './sms.controller.js';

/** The SMS channel's jobs (answering, sending); imported by the API and by the worker process. */
@Module({
  imports: [TelephonyModule],
  providers: [
    { provide: SmsProvider, inject: [SaldoConfig], useFactory: createSmsProvider },
    OutboundMessages,
    SendSmsJob,
    SmsAnswerJob,
  ],
  exports: [OutboundMessages, SmsAnswerJob, SmsProvider],
})
export class SmsJobsModule {}

/** The SMS channel: Twilio's inbound and status webhooks. */
@Module({
  imports: [SmsJobsModule],
  controllers: [SmsController],
  providers: [InboundSmsService, DeliveryStatusService],
})
export class SmsChannelModule {}
