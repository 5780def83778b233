export * from './outcome.js';
export * from './query.js';
export * from './context.js';
export * from './pipeline.js';
export * from './pipeline.module.js';
export * from './ports/audit-sink.port.js';
export * from './ports/requester-directory.port.js';
export * from './ports/issuer-directory.port.js';
export { MAX_PIN_TRIES } from './steps/verify-credential.step.js';
