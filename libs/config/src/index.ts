export * from './saldo-config.js';
export * from './config.module.js';
export { DEV_LMK } from './config.schema.js';
