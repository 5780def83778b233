/** What an audit search or export selects. Times are UTC, to the minute; `to` includes its minute. */
export interface AuditFilter {
  readonly from: Date;
  /** The exclusive end: the minute after the one asked for; none means up to now, rows still arriving included. */
  readonly until?: Date;
  readonly channel?: string;
  readonly outcome?: string;
  readonly issuer?: string;
  readonly last4?: string;
  readonly requester?: string;
}

export const AUDIT_FIELDS = ['from', 'to', 'channel', 'outcome', 'issuer', 'last4', 'requester'] as const;
export type AuditQuery = Partial<Record<(typeof AUDIT_FIELDS)[number], string>>;

export const CHANNELS = ['pos', 'rest', 'sms', 'voice', 'web', 'console'] as const;

const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
/** A search or export spans at most this: the audit table is the biggest there is, and it serves the live channels too. */
export const MAX_RANGE_DAYS = 31;

function parseTime(value: string, name: string, problems: string[]): Date {
  const at = MINUTE.test(value) ? new Date(`${value}Z`) : new Date(NaN);
  if (Number.isNaN(at.getTime())) problems.push(`${name} must be a date and time like 2026-12-03T09:30 (UTC)`);
  return at;
}

/** The form's fields into a filter (defaults: the last 24 hours), or every problem with them in words. */
export function parseAuditFilter(q: AuditQuery, now = new Date()): { filter: AuditFilter; problems: string[] } {
  const problems: string[] = [];
  const from = q.from ? parseTime(q.from, 'From', problems) : new Date(now.getTime() - 86_400_000);
  const until = q.to ? new Date(parseTime(q.to, 'To', problems).getTime() + 60_000) : undefined;
  if (problems.length === 0 && until && from >= until) problems.push('From must be before To');
  if (problems.length === 0 && (until ?? now).getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    problems.push(`The period is at most ${MAX_RANGE_DAYS} days: narrow From and To`);
  }
  const channel = q.channel || undefined;
  if (channel && !(CHANNELS as readonly string[]).includes(channel)) problems.push(`Channel must be one of ${CHANNELS.join(', ')}`);
  const outcome = q.outcome?.trim().toUpperCase() || undefined;
  if (outcome && !/^[A-Z_]{2,40}$/.test(outcome)) problems.push('Outcome is a code such as APPROVED or WRONG_PIN');
  const issuer = q.issuer || undefined;
  const last4 = q.last4?.trim() || undefined;
  if (last4 && !/^\d{4}$/.test(last4)) problems.push('Card last 4 must be four digits');
  const requester = q.requester?.trim() || undefined;
  if (requester && requester.length > 80) problems.push('Requester is at most 80 characters');
  return { filter: { from, until, channel, outcome, issuer, last4, requester }, problems };
}

/** The filter as form fields again (for links, the export form and the job's data). */
export function filterQuery(f: AuditFilter): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    from: f.from.toISOString().slice(0, 16),
    to: f.until ? new Date(f.until.getTime() - 60_000).toISOString().slice(0, 16) : undefined,
    channel: f.channel,
    outcome: f.outcome,
    issuer: f.issuer,
    last4: f.last4,
    requester: f.requester,
  };
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}
