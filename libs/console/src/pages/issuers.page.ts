import type { ConsoleSession } from '../auth/console-sessions.js';
import { BIN_TABLE_CACHE_SECONDS, type IssuerRow, type NewIssuerInput } from '../manage/issuer-admin.js';
import { consolePage, csrfField, esc } from './layout.js';
import { actionForm, head, notices, textField, when, type Notice } from './manage-kit.js';

export interface IssuersView extends Notice {
  readonly issuers: readonly IssuerRow[];
  readonly issuerForm?: Partial<NewIssuerInput>;
  /** The range form that was refused, to show it again with what was typed. */
  readonly rangeForm?: { issuerId: string; low: string; high: string };
}

function issuerPanel(session: ConsoleSession, i: IssuerRow, view: IssuersView): string {
  const typed = view.rangeForm?.issuerId === i.id ? view.rangeForm : undefined;
  const ranges = i.ranges.length
    ? `<table>${head('Low', 'High', 'Added', 'Action')}<tbody>${i.ranges
        .map(
          (r) =>
            `<tr><td><code>${esc(r.low)}</code></td><td><code>${esc(r.high)}</code></td><td>${when(r.createdAt)}</td><td>${actionForm(session, `/console/issuers/ranges/${r.id}/remove`, 'Remove', `Remove BIN range ${r.low} to ${r.high} of ${i.code}`, true)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No BIN ranges: no card routes to this issuer.</p>';
  const prefix = `range-${i.code}`;
  const add = `<form method="post" action="/console/issuers/${i.id}/ranges" class="filters" aria-label="Add a BIN range to ${esc(i.code)}">${csrfField(session)}
${textField(`${prefix}-low`, 'low', 'Low', typed?.low ?? '', 'required inputmode="numeric" pattern="[0-9]{4,12}" maxlength="12" autocomplete="off"')}
${textField(`${prefix}-high`, 'high', 'High', typed?.high ?? '', 'required inputmode="numeric" pattern="[0-9]{4,12}" maxlength="12" autocomplete="off"')}
<div><button type="submit" aria-label="Add range to ${esc(i.code)}">Add range</button></div></form>`;
  return `<section class="panel" aria-labelledby="issuer-${esc(i.code)}"><h2 id="issuer-${esc(i.code)}">${esc(i.name)} (<code>${esc(i.code)}</code>)</h2>
<p>Currency ${esc(i.currency)} · locale ${esc(i.locale)} · ${i.status === 'ACTIVE' ? 'active' : '<strong>disabled</strong>'} · added ${when(i.createdAt)}</p>
<h3>BIN ranges</h3>${ranges}${add}</section>`;
}

/** Issuers and their BIN ranges (the routing table). */
export function issuersPage(session: ConsoleSession, view: IssuersView): string {
  const f = view.issuerForm ?? {};
  const rules = `<p class="note">A BIN range is two digit strings of the same length (4 to 12 digits), compared with as many leading digits of the card number. Ranges may not overlap, so every card routes to one issuer. Running gateways read the table at most every ${BIN_TABLE_CACHE_SECONDS} seconds: an added or removed range takes effect within that time.</p>`;
  const add = `<form class="panel" method="post" action="/console/issuers" aria-labelledby="new-issuer">${csrfField(session)}<h2 id="new-issuer">Add an issuer</h2><div class="filters">
${textField('code', 'code', 'Code', f.code ?? '', 'required maxlength="16" pattern="[A-Za-z][A-Za-z0-9_]{1,15}" autocomplete="off" spellcheck="false"', 'e.g. HARBOR')}
${textField('name', 'name', 'Name', f.name ?? '', 'required maxlength="100"')}
${textField('currency', 'currency', 'Currency (ISO 4217)', f.currency ?? '', 'required minlength="3" maxlength="3" pattern="[A-Za-z]{3}" autocomplete="off"', 'e.g. USD')}
${textField('locale', 'locale', 'Locale (BCP 47)', f.locale ?? '', 'required maxlength="35" autocomplete="off"', 'e.g. en-US, zh-CN')}
<div><button type="submit">Add issuer</button></div></div></form>`;
  return consolePage(session, '/console/issuers', 'Issuers and BIN ranges', `${notices(view)}${rules}${view.issuers.map((i) => issuerPanel(session, i, view)).join('')}${add}`);
}
