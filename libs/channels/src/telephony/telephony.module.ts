import { Module } from '@nestjs/common';
import { PipelineModule } from '#pipeline';
import { CardholderDirectory } from './cardholders/cardholder-directory.js';
import { CardholderQueries } from './cardholders/cardholder-queries.js';
import { PhonePinVerifier } from './cardholders/phone-pin.verifier.js';
import { TwilioSignatureGuard } from './twilio/twilio-signature.guard.js';

/** What the SMS and voice channels share: cardholders by phone, their queries, the webhook signature. */
@Module({
  imports: [PipelineModule],
  providers: [CardholderDirectory, CardholderQueries, PhonePinVerifier, TwilioSignatureGuard],
  exports: [PipelineModule, CardholderDirectory, CardholderQueries, PhonePinVerifier, TwilioSignatureGuard],
})
export class TelephonyModule {}
