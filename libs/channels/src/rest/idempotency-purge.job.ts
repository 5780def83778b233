import { Inject, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '#db';
import { JobHandlers, JobQueue } from '#platform';

export const PURGE_IDEMPOTENCY_JOB = 'purge-idempotency-records';
const EVERY_MS = 3_600_000;

/** Hourly: forget stored Idempotency-Key answers past their expiry. */
@Injectable()
export class IdempotencyPurgeJob implements OnModuleInit {
  private readonly logger = new Logger('IdempotencyPurge');

  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(JobHandlers) private readonly handlers: JobHandlers,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  async onModuleInit(): Promise<void> {
    this.handlers.register(PURGE_IDEMPOTENCY_JOB, async () => {
      const count = await this.purgeExpired();
      if (count) this.logger.log(`purged ${count} expired idempotency records`);
    });
    await this.queue.every(PURGE_IDEMPOTENCY_JOB, EVERY_MS);
  }

  async purgeExpired(): Promise<number> {
    const { count } = await this.prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    return count;
  }
}

/** The REST channel's background jobs; imported by the API and by the worker process. */
@Module({ providers: [IdempotencyPurgeJob], exports: [IdempotencyPurgeJob] })
export class RestJobsModule {}
