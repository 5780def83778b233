import { BadRequestException, Body, Controller, Get, Header, HttpCode, Inject, NotFoundException, Post, Query, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SaldoConfig } from '#config';
import { isE164 } from '#domain';
import { OutboundMessages, SmsProvider, TwilioSignatureGuard } from '#channels/telephony';
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
    @Inject(OutboundMessages) private readonly messages: OutboundMessages,
    @Inject(SmsProvider) private readonly provider: SmsProvider,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  /**
   * The outbox (embedded mode, no SMS provider): the latest replies to a number, for `saldo-sms`.
   * Signed like a webhook (with the development auth token unless one is configured); absent
   * whenever a real provider sends the messages.
   */
  @Get('outbox')
  async outbox(@Query('to') to: string | undefined): Promise<{ messages: { id: string; body: string; status: string; createdAt: Date }[] }> {
    if (this.provider.name !== 'outbox' || this.config.production) throw new NotFoundException('no outbox here: SMS go out through a provider, or this is production');
    if (!to || !isE164(to)) throw new BadRequestException('to: an E.164 number is needed');
    return { messages: await this.messages.latestTo(to, 10) };
  }

  @Post()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async receive(@Body() body: InboundSms): Promise<string> {
    await this.inbound.receive(body);
    return EMPTY_TWIML;
  }

  @Post('status')
  @HttpCode(204)
  async status(@Body() body: DeliveryStatusCallback, @Query('m') messageId: string | undefined): Promise<void> {
    await this.statuses.apply(body, messageId);
  }
}
