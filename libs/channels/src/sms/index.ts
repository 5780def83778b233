export { SmsChannelModule, SmsJobsModule } from './sms.module.js';
export { OutboundMessages } from './outbound-messages.js';
