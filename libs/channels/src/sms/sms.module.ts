import { Module } from '@nestjs/common';
import { OutboundSmsModule, TelephonyModule } from '#channels/telephony';
import { DeliveryStatusService } from './delivery-status.service.js';
import { InboundSmsService } from './inbound-sms.service.js';
import { SmsAnswerJob } from './sms-answer.job.js';
import { SmsController } from './sms.controller.js';

/** The SMS channel's job (answering a text; the sending is OutboundSmsModule's), in the API and the worker. */
@Module({
  imports: [TelephonyModule, OutboundSmsModule],
  providers: [SmsAnswerJob],
  exports: [OutboundSmsModule, SmsAnswerJob],
})
export class SmsJobsModule {}

/** The SMS channel: Twilio's inbound and status webhooks. */
@Module({
  imports: [SmsJobsModule],
  controllers: [SmsController],
  providers: [InboundSmsService, DeliveryStatusService],
})
export class SmsChannelModule {}
