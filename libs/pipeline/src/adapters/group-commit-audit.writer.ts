import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaClient } from '#db';
import { SaldoConfig } from '#config';
import { AuditSink, type AuditRow } from '../ports/audit-sink.port.js';

interface Waiting {
  row: AuditRow;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_FLUSHES_IN_FLIGHT = 2;

/**
 * Group commit: the rows of concurrent queries go to PostgreSQL as one multi-row INSERT, and each
 * query's promise settles when its batch commits. A flush starts at once (next loop turn) when the
 * database is idle, so a lone query waits for no timer; under load rows gather while the previous
 * batches commit.
 */
@Injectable()
export class GroupCommitAuditWriter extends AuditSink implements OnApplicationShutdown {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly idle = new Set<() => void>();
  private readonly batchMax: number;

  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(SaldoConfig) config: SaldoConfig,
  ) {
    super();
    this.batchMax = config.audit.batchMax;
  }

  record(row: AuditRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_FLUSHES_IN_FLIGHT || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.batchMax);
    if (!batch.length) return;
    this.inFlight++;
    try {
      await this.prisma.auditEvent.createMany({
        data: batch.map(({ row }) => ({ ...row, detail: row.detail ?? undefined })),
      });
      for (const w of batch) w.resolve();
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight--;
      this.schedule();
      if (!this.inFlight && !this.queue.length) for (const done of this.idle) done();
    }
  }

  /** Resolves when every row recorded so far has been written (or failed). */
  async drain(): Promise<void> {
    if (!this.inFlight && !this.queue.length) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.idle.delete(done);
        resolve();
      };
      this.idle.add(done);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
  }
}
