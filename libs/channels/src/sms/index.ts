export { SmsChannelModule, SmsJobsModule } from './sms.module.js';
