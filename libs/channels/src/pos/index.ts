export * from './pos.module.js';
export * from './pos-message.handler.js';
export * from './pos-connection.js';
export * from './pos-framing.js';
export * from './pos-response-code.js';
export * from './iso8583/index.js';
export { ISO4_TAG } from './request/pin-block-input.js';
export { DUPLICATE_WINDOW_MS } from './duplicates/duplicate-guard.js';
