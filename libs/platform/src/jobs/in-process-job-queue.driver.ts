import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { JobHandlers } from './job-handlers.js';
import { DEFAULT_JOB_OPTIONS, JobQueue, type JobOptions } from './job-queue.port.js';

/** Embedded-mode twin of the BullMQ queue: runs jobs in this process, with the same retry policy. */
@Injectable()
export class InProcessJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(@Inject(JobHandlers) private readonly handlers: JobHandlers) {
    super();
  }

  async enqueue(name: string, data: unknown, options: JobOptions = {}): Promise<void> {
    const { attempts, backoffMs } = { ...DEFAULT_JOB_OPTIONS, ...options };
    this.later(0, () => this.attempt(name, data, 1, attempts, backoffMs));
  }

  async every(name: string, intervalMs: number): Promise<void> {
    const timer = setInterval(() => void this.enqueue(name, {}), intervalMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(name: string, data: unknown, n: number, attempts: number, backoffMs: number): Promise<void> {
    try {
      await this.handlers.run(name, data);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (n >= attempts) {
        this.logger.error(`job ${name} failed after ${n} attempts: ${message}`);
        return;
      }
      this.logger.warn(`job ${name} attempt ${n} failed, retrying: ${message}`);
      this.later(backoffMs * 2 ** (n - 1), () => this.attempt(name, data, n + 1, attempts, backoffMs));
    }
  }

  private later(ms: number, run: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, ms);
    this.timers.add(timer);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
