import { Body, Controller, Header, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TwilioSignatureGuard } from '#channels/telephony';
import { DeliveryStatusService, type DeliveryStatusCallback } from './delivery-status.service.js';
import { InboundSmsService, type InboundSms } from './inbound-sms.service.js';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Twilio's messaging webhooks. The reply goes out later through the worker, never in this answer. */
@ApiExcludeController()
@Controller('twilio/sms')
@UseGuards(TwilioSignatureGuard)
export class SmsController {
  constructor(
    @Inject(InboundSmsService) private readonly inbound: InboundSmsService,
    @Inject(DeliveryStatusService) private readonly statuses: DeliveryStatusService,
  ) {}

  @Post()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async receive(@Body() body: InboundSms): Promise<string> {
    await this.inbound.receive(body);
    return EMPTY_TWIML;
  }

  @Post('status')
  @HttpCode(204)
  async status(@Body() body: DeliveryStatusCallback): Promise<void> {
    await this.statuses.apply(body);
  }
}
