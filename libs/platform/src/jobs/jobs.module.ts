import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import type { SaldoConfig } from '#config';
import { JobHandlers } from './job-handlers.js';
import { JobQueue, QUEUE_NAME } from './job-queue.port.js';
import { InProcessJobQueue } from './in-process-job-queue.driver.js';
import { BullMqJobQueue } from './bullmq-job-queue.driver.js';
import { JobsProcessor } from './jobs.processor.js';

/**
 * Picks the queue driver from configuration: BullMQ when Redis is configured, the in-process twin
 * otherwise. `consume` adds the BullMQ processor (the worker process, or the API when
 * WORKER_IN_PROCESS is on).
 */
@Global()
@Module({})
export class JobsModule {
  static forRoot(config: SaldoConfig, options: { consume: boolean }): DynamicModule {
    if (!config.redis) {
      return {
        module: JobsModule,
        providers: [JobHandlers, { provide: JobQueue, useClass: InProcessJobQueue }],
        exports: [JobHandlers, JobQueue],
      };
    }
    const providers: Provider[] = [JobHandlers, { provide: JobQueue, useClass: BullMqJobQueue }];
    if (options.consume) providers.push(JobsProcessor);
    const redisUrl = new URL(config.redis.url);
    return {
      module: JobsModule,
      imports: [
        BullModule.forRoot({
          prefix: `${config.redis.prefix}:bull`,
          connection: {
            host: redisUrl.hostname,
            port: Number(redisUrl.port || 6379),
            username: redisUrl.username || undefined,
            password: redisUrl.password ? decodeURIComponent(redisUrl.password) : undefined,
            db: redisUrl.pathname.length > 1 ? Number(redisUrl.pathname.slice(1)) : 0,
            tls: redisUrl.protocol === 'rediss:' ? {} : undefined,
            maxRetriesPerRequest: null,
          },
        }),
        BullModule.registerQueue({ name: QUEUE_NAME }),
      ],
      providers,
      exports: [JobHandlers, JobQueue],
    };
  }
}
