import type { Channel } from '../query.js';

export interface AuditRow {
  readonly at: Date;
  readonly channel: Channel;
  readonly requester: string;
  /** First 6 and last 4 only. */
  readonly cardMasked: string | null;
  readonly cardLast4: string | null;
  readonly issuerCode: string | null;
  readonly outcome: string;
  readonly latencyMicros: number;
  readonly correlationId: string;
  readonly detail: Record<string, string | number | boolean> | null;
}

/** Durable audit trail. `record` resolves only once the row is committed. */
export abstract class AuditSink {
  abstract record(row: AuditRow): Promise<void>;
}
