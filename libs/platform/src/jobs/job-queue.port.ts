export interface JobOptions {
  /** Total attempts, the first included. */
  readonly attempts?: number;
  /** First retry delay; each later retry doubles it. */
  readonly backoffMs?: number;
}

export type JobHandler = (data: unknown) => Promise<void>;

/** The background-job queue: BullMQ on Redis, or an in-process twin in embedded mode. */
export abstract class JobQueue {
  abstract enqueue(name: string, data: unknown, options?: JobOptions): Promise<void>;
  /** Runs the job every `intervalMs` (one schedule across all instances with BullMQ). */
  abstract every(name: string, intervalMs: number): Promise<void>;
}

export const DEFAULT_JOB_OPTIONS: Required<JobOptions> = { attempts: 5, backoffMs: 1_000 };
export const QUEUE_NAME = 'saldo';
