import { Module } from '@nestjs/common';
import { OutboundSmsModule, TelephonyModule } from '#channels/telephony';
import { SignInCodes } from './auth/sign-in-codes.js';
import { WebSessions } from './auth/web-sessions.js';
import { CardholderPageController } from './cardholder-page.controller.js';
import { CardholderPage } from './cardholder-page.service.js';
import { DemoOutbox } from './demo-outbox.js';
import { TerminalCheck } from './terminal-check.service.js';

/** The web channel: the cardholder page (the operator console is #console, not a channel). */
@Module({
  imports: [TelephonyModule, OutboundSmsModule],
  controllers: [CardholderPageController],
  providers: [DemoOutbox, SignInCodes, WebSessions, TerminalCheck, CardholderPage],
})
export class WebChannelModule {}
