import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { JobHandlers } from './job-handlers.js';
import { QUEUE_NAME } from './job-queue.port.js';

/** The BullMQ consumer: runs each job through the registered handler (the worker process hosts it). */
@Processor(QUEUE_NAME, { concurrency: 16 })
export class JobsProcessor extends WorkerHost {
  constructor(@Inject(JobHandlers) private readonly handlers: JobHandlers) {
    super();
  }

  async process(job: Job): Promise<void> {
    await this.handlers.run(job.name, job.data);
  }
}
