import type { SaldoConfig } from '#config';
import { createTwilioClient } from '../twilio/twilio-client.js';
import { AliyunSmsProvider } from './aliyun-sms.driver.js';
import { OutboxSmsProvider } from './outbox-sms.driver.js';
import type { SmsProvider } from './sms-provider.port.js';
import { TwilioSmsProvider } from './twilio-sms.driver.js';

/** SMS_PROVIDER → driver. A new provider is one driver file and one line here. */
const SMS_PROVIDERS: Record<SaldoConfig['sms']['provider'], (config: SaldoConfig) => SmsProvider> = {
  twilio: (config) => new TwilioSmsProvider(required(createTwilioClient(config), 'TWILIO_ACCOUNT_SID'), config.twilio.phoneNumber),
  aliyun: (config) => new AliyunSmsProvider(required(config.sms.aliyun, 'ALIYUN_SMS_*')),
  outbox: (config) => new OutboxSmsProvider(!config.production),
};

export function createSmsProvider(config: SaldoConfig): SmsProvider {
  return SMS_PROVIDERS[config.sms.provider](config);
}

function required<T>(value: T | undefined, setting: string): T {
  if (value === undefined) throw new Error(`the SMS provider needs ${setting}`);
  return value;
}
