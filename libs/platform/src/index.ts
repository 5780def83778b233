export * from './redis/redis.module.js';
export * from './redis/redis-connections.js';
export * from './rate-limit/rate-limit.service.js';
export * from './jobs/job-queue.port.js';
export * from './jobs/job-handlers.js';
export * from './jobs/jobs.module.js';
export * from './logging/logging.module.js';
