export * from './saldo-config.js';
export * from './config.module.js';
export { DEV_LMK, DEV_TWILIO_AUTH_TOKEN } from './config.schema.js';
