export * from './rest.module.js';
export * from './http/problem.js';
export * from './http/problem.filter.js';
export * from './idempotency-purge.job.js';
