import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, JobQueue, QUEUE_NAME, type JobOptions } from './job-queue.port.js';

const ADD_TIMEOUT_MS = 2_000;

/** BullMQ on Redis; the worker process (or the API, when configured in-process) runs the jobs. */
@Injectable()
export class BullMqJobQueue extends JobQueue {
  constructor(@InjectQueue(QUEUE_NAME) private readonly queue: Queue) {
    super();
  }

  async enqueue(name: string, data: unknown, options: JobOptions = {}): Promise<void> {
    const { attempts, backoffMs } = { ...DEFAULT_JOB_OPTIONS, ...options };
    // A producer would otherwise wait for as long as Redis is down.
    await withTimeout(
      this.queue.add(name, data, {
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        removeOnComplete: 1_000,
        removeOnFail: 5_000,
      }),
      ADD_TIMEOUT_MS,
      `enqueue ${name}`,
    );
  }

  async every(name: string, intervalMs: number): Promise<void> {
    await withTimeout(
      this.queue.upsertJobScheduler(`every:${name}`, { every: intervalMs }, { name, data: {} }),
      ADD_TIMEOUT_MS,
      `schedule ${name}`,
    );
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: the queue did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
