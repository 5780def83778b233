import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SqlClient } from '#db';
import { SaldoConfig } from '#config';
import { AuditSink, type AuditRow } from '../ports/audit-sink.port.js';

interface Waiting {
  row: AuditRow;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_FLUSHES_IN_FLIGHT = 2;

/** One statement text for any batch size (arrays, one per column), so it is prepared once. */
const INSERT_BATCH = `
  INSERT INTO audit_events (at, channel, requester, card_masked, card_last4, issuer_code, outcome,
                            latency_micros, correlation_id, detail)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::int[], $9::text[], $10::jsonb[])`;

function columns(rows: AuditRow[]): unknown[][] {
  return [
    rows.map((r) => r.at),
    rows.map((r) => r.channel),
    rows.map((r) => r.requester),
    rows.map((r) => r.cardMasked),
    rows.map((r) => r.cardLast4),
    rows.map((r) => r.issuerCode),
    rows.map((r) => r.outcome),
    rows.map((r) => r.latencyMicros),
    rows.map((r) => r.correlationId),
    rows.map((r) => (r.detail ? JSON.stringify(r.detail) : null)),
  ];
}

/**
 * Group commit: the rows of concurrent queries go to PostgreSQL as one INSERT … SELECT unnest(…), and each
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
    @Inject(SqlClient) private readonly sql: SqlClient,
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
      await this.sql.query({ name: 'audit-insert-batch', text: INSERT_BATCH, values: columns(batch.map((w) => w.row)) });
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
