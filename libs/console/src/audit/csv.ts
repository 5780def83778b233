import type { AuditRecord } from './audit-search.js';

export const CSV_HEADER = 'id,at,channel,requester,card_masked,card_last4,issuer_code,outcome,latency_ms,correlation_id\r\n';

/** RFC 4180 quoting, and a leading quote mark on what a spreadsheet would run as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(r: AuditRecord): string {
  return (
    [
      r.id.toString(),
      r.at.toISOString(),
      r.channel,
      r.requester,
      r.cardMasked ?? '',
      r.cardLast4 ?? '',
      r.issuerCode ?? '',
      r.outcome,
      (r.latencyMicros / 1000).toFixed(3),
      r.correlationId,
    ]
      .map(csvCell)
      .join(',') + '\r\n'
  );
}
