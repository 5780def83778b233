import { Module } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { TelephonyModule, TwilioVoiceProvider, VoiceProvider } from '#channels/telephony';
import { CallSession } from './ivr/call-session.js';
import { CallStateStore } from './ivr/call-state.js';
import { IvrFlow } from './ivr/ivr-flow.js';
import { VoiceController } from './voice.controller.js';

/** The voice channel: Twilio's call webhooks driving the balance menu. */
@Module({
  imports: [TelephonyModule],
  controllers: [VoiceController],
  providers: [
    { provide: VoiceProvider, inject: [SaldoConfig], useFactory: (config: SaldoConfig) => new TwilioVoiceProvider(config.voice.locales) },
    CallStateStore,
    IvrFlow,
    CallSession,
  ],
})
export class VoiceChannelModule {}
