export { TelephonyModule } from './telephony.module.js';
export { CardholderDirectory, languageOf, type Language, type Cardholder, type CardOnFileEntry } from './cardholders/cardholder-directory.js';
export { CardholderQueries, type CardAnswer } from './cardholders/cardholder-queries.js';
export { PhonePinVerifier, MAX_PHONE_PIN_TRIES, type PhonePinVerdict } from './cardholders/phone-pin.verifier.js';
export { TwilioSignatureGuard } from './twilio/twilio-signature.guard.js';
export { createTwilioClient, type TwilioClient } from './twilio/twilio-client.js';
export { SmsProvider, SmsSendError, type OutboundSms, type SmsAccepted } from './providers/sms-provider.port.js';
export { createSmsProvider } from './providers/sms-provider.registry.js';
export { AliyunSmsProvider } from './providers/aliyun-sms.driver.js';
