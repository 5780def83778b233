import { Module } from '@nestjs/common';
import { OutboundSmsModule, TelephonyModule } from '#channels/telephony';
import { SignInCodes } from './auth/sign-in-codes.js';
import { WebSessions } from './auth/web-sessions.js';
import { CardholderPageController } from './cardholder-page.controller.js';
import { CardholderPage } from './cardholder-page.service.js';
import { TerminalCheck } from './terminal-check.service.js';

/** The web channel: the cardholder page (the operator console is still to come). */
@Module({
  imports: [TelephonyModule, OutboundSmsModule],
  controllers: [CardholderPageController],
  providers: [SignInCodes, WebSessions, TerminalCheck, CardholderPage],
})
export class WebChannelModule {}
