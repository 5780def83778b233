import { OUTCOMES } from '#pipeline';
import type { ConsoleSession } from '../auth/console-sessions.js';
import { CHANNELS, type AuditQuery } from '../audit/audit-filter.js';
import type { AuditRecord } from '../audit/audit-search.js';
import type { ExportStatus } from '../audit/audit-exports.js';
import { OPERATOR_ACTIONS } from '../operator-audit.js';
import { consolePage, csrfField, esc } from './layout.js';

export interface AuditView {
  readonly query: Record<string, string>;
  readonly issuers: readonly { code: string; name: string }[];
  readonly rows: readonly AuditRecord[];
  readonly next?: bigint;
  readonly problems: readonly string[];
}

function field(id: keyof AuditQuery, label: string, control: string): string {
  return `<div><label for="${id}">${esc(label)}</label>${control}</div>`;
}

function select(id: string, values: readonly (readonly [string, string])[], current: string | undefined): string {
  const options = [['', 'Any'] as const, ...values].map(([v, l]) => `<option value="${esc(v)}"${v === (current ?? '') ? ' selected' : ''}>${esc(l)}</option>`);
  return `<select id="${id}" name="${id}">${options.join('')}</select>`;
}

/** The audit search: a filter form, the newest matching rows in pages of 50, and the export button. */
export function auditPage(session: ConsoleSession, view: AuditView): string {
  const q = view.query;
  const text = (id: keyof AuditQuery, extra = '') => `<input id="${id}" name="${id}" value="${esc(q[id] ?? '')}"${extra}>`;
  const form = `<form class="panel filters" method="get" action="/console/audit">
${field('from', 'From (UTC)', text('from', ' type="datetime-local"'))}
${field('to', 'To (UTC, empty for now)', text('to', ' type="datetime-local"'))}
${field('channel', 'Channel', select('channel', CHANNELS.map((c) => [c, c] as const), q.channel))}
${field('outcome', 'Outcome', `${text('outcome', ' list="outcomes" autocomplete="off"')}<datalist id="outcomes">${[...OUTCOMES, ...OPERATOR_ACTIONS].map((o) => `<option value="${o}">`).join('')}</datalist>`)}
${field('issuer', 'Issuer', select('issuer', view.issuers.map((i) => [i.code, i.name] as const), q.issuer))}
${field('last4', 'Card last 4', text('last4', ' inputmode="numeric" maxlength="4" pattern="[0-9]{4}"'))}
${field('requester', 'Requester contains', text('requester', ' maxlength="80"'))}
<div><button type="submit">Search</button></div></form>`;
  const problems = view.problems.length ? `<div class="error" role="alert"><ul>${view.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul></div>` : '';
  const exportForm = view.problems.length
    ? ''
    : `<form method="post" action="/console/audit/export">${csrfField(session)}${Object.entries(q)
        .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
        .join('')}<button type="submit">Export these rows to CSV</button></form>`;
  const rows = view.rows
    .map(
      (r) => `<tr><td>${esc(r.at.toISOString().replace('T', ' ').slice(0, 23))}</td><td>${esc(r.channel)}</td><td>${esc(r.requester)}</td>
<td>${esc(r.cardMasked ?? '')}</td><td>${esc(r.issuerCode ?? '')}</td><td>${esc(r.outcome)}</td><td class="num">${(r.latencyMicros / 1000).toFixed(1)}</td><td><small>${esc(r.correlationId)}</small></td></tr>`,
    )
    .join('');
  const table = view.problems.length
    ? ''
    : rows
      ? `<div class="panel"><table><caption class="sr">Audit events, newest first</caption><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Channel</th><th scope="col">Requester</th><th scope="col">Card</th><th scope="col">Issuer</th><th scope="col">Outcome</th><th scope="col">ms</th><th scope="col">Correlation id</th></tr></thead><tbody>${rows}</tbody></table></div>`
      : '<p role="status">No audit events match.</p>';
  const older = view.next !== undefined ? `<p><a href="/console/audit?${new URLSearchParams({ ...q, before: view.next.toString() }).toString()}">Older events</a></p>` : '';
  return consolePage(session, '/console/audit', 'Audit', `${form}${problems}${exportForm}${table}${older}`);
}

/** The export's progress, refreshed every second until it is done (then final, with the download). */
export function exportProgress(id: string, status: ExportStatus): string {
  const percent = status.total === 0 ? 100 : Math.min(100, Math.round((status.done / status.total) * 100));
  const label = `<label for="progress">${status.done} of ${status.total} rows</label><progress id="progress" max="100" value="${percent}">${percent}%</progress>`;
  if (status.state === 'done') return `<div data-final>${label}<p><a href="/console/exports/${esc(id)}/audit.csv" download>Download the CSV (${status.done} rows)</a></p></div>`;
  if (status.state === 'failed') return `<div data-final>${label}<p class="error" role="alert">The export failed. Try again, or narrow the period.</p></div>`;
  return `${label}<p>${status.state === 'queued' ? 'Waiting for a worker…' : 'Exporting…'}</p>`;
}

export function exportPage(session: ConsoleSession, id: string, status: ExportStatus): string {
  return consolePage(
    session,
    '/console/audit',
    'Audit export',
    `<div class="panel" aria-live="polite" data-live="/console/exports/${esc(id)}/progress" data-every="1000">${exportProgress(id, status)}</div><p><a href="/console/audit">Back to the audit search</a></p>`,
  );
}
