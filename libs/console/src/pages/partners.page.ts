import type { ConsoleSession } from '../auth/console-sessions.js';
import { PARTNER_CACHE_SECONDS, PARTNER_SCOPES, type PartnerAccessInput, type PartnerRow } from '../manage/partner-admin.js';
import { consolePage, csrfField, esc } from './layout.js';
import { actionForm, head, notices, textField, when, type Notice } from './manage-kit.js';

export interface IssuerChoice {
  readonly code: string;
  readonly name: string;
}

export interface PartnersView extends Notice {
  readonly partners: readonly PartnerRow[];
  readonly issuers: readonly IssuerChoice[];
  readonly form?: Partial<PartnerAccessInput & { clientId: string; name: string }>;
}

function accessFields(prefix: string, values: Partial<PartnerAccessInput>, issuers: readonly IssuerChoice[]): string {
  const scopes = values.scopes ?? PARTNER_SCOPES;
  const picked = new Set(values.issuers ?? []);
  const box = (name: string, value: string, label: string, on: boolean) =>
    `<div><label><input type="checkbox" name="${esc(name)}" value="${esc(value)}"${on ? ' checked' : ''}> ${esc(label)}</label></div>`;
  return `<fieldset id="${esc(prefix)}-scopes"><legend>Scopes</legend>${PARTNER_SCOPES.map((s) => box('scopes', s, s, scopes.includes(s))).join('')}</fieldset>
<fieldset id="${esc(prefix)}-issuers"><legend>Cards of which issuers</legend>${box('allIssuers', 'on', 'All issuers (now and added later)', values.allIssuers ?? false)}
${issuers.map((i) => box('issuers', i.code, `${i.name} (${i.code})`, picked.has(i.code))).join('')}</fieldset>`;
}

const RULES = `<p class="note">A client's secret is shown once, on the page after you create the client or rotate its secret; Saldo keeps only its argon2id hash, so a lost secret is replaced by rotating, never recovered.
Rotating: the old secret stops working at once, and bearer tokens issued before the rotation are refused within ${PARTNER_CACHE_SECONDS} seconds. Revoking: no new token at once, and the client's existing tokens are refused within ${PARTNER_CACHE_SECONDS} seconds. Scope and issuer changes apply to existing tokens within ${PARTNER_CACHE_SECONDS} seconds too.</p>`;

function row(session: ConsoleSession, p: PartnerRow): string {
  const active = p.status === 'ACTIVE';
  const actions = active
    ? `${actionForm(session, `/console/partners/${p.id}/rotate`, 'Rotate secret', `Rotate secret of ${p.clientId}`)} ${actionForm(session, `/console/partners/${p.id}/revoke`, 'Revoke', `Revoke ${p.clientId}`, true)} <a href="/console/partners/${p.id}" aria-label="Change access of ${esc(p.clientId)}">Change access</a>`
    : '—';
  return `<tr><th scope="row"><code>${esc(p.clientId)}</code></th><td>${esc(p.name)}</td><td>${p.scopes.map((s) => `<code>${esc(s)}</code>`).join('<br>')}</td>
<td>${p.allIssuers ? 'all' : esc(p.issuers.join(', ') || 'none')}</td><td>${active ? 'active' : '<strong>revoked</strong>'}</td><td>${when(p.createdAt)}</td><td>${when(p.rotatedAt)}</td><td>${actions}</td></tr>`;
}

/** Partner clients of the REST API: list, create, rotate, revoke. */
export function partnersPage(session: ConsoleSession, view: PartnersView): string {
  const f = view.form ?? {};
  const table = view.partners.length
    ? `<table>${head('Client id', 'Name', 'Scopes', 'Issuers', 'Status', 'Created', 'Secret rotated', 'Actions')}<tbody>${view.partners.map((p) => row(session, p)).join('')}</tbody></table>`
    : '<p>No partner clients yet.</p>';
  const create = `<form class="panel" method="post" action="/console/partners" aria-labelledby="new-client">${csrfField(session)}<h2 id="new-client">Create a partner client</h2>
<div class="filters">${textField('clientId', 'clientId', 'Client id', f.clientId ?? '', 'required minlength="3" maxlength="64" pattern="[a-z0-9][a-z0-9._\\-]{2,63}" autocomplete="off" spellcheck="false"', 'lower-case letters, digits . _ -')}
${textField('name', 'name', 'Name', f.name ?? '', 'required maxlength="100"')}</div>
${accessFields('new', f, view.issuers)}<p><button type="submit">Create client and show its secret</button></p></form>`;
  return consolePage(session, '/console/partners', 'Partner clients', `${notices(view)}${RULES}<div class="panel">${table}</div>${create}`);
}

/** One client's scopes and issuers. */
export function partnerAccessPage(session: ConsoleSession, partner: PartnerRow, issuers: readonly IssuerChoice[], view: Notice & { form?: Partial<PartnerAccessInput> } = {}): string {
  const values = view.form ?? { scopes: partner.scopes, allIssuers: partner.allIssuers, issuers: partner.issuers };
  const body = `${notices(view)}<p>Client <code>${esc(partner.clientId)}</code> (${esc(partner.name)}).</p>
<form class="panel" method="post" action="/console/partners/${partner.id}/access">${csrfField(session)}${accessFields('edit', values, issuers)}
<p><button type="submit">Save access</button> <a href="/console/partners">Back to partner clients</a></p></form>`;
  return consolePage(session, '/console/partners', `Partner client ${partner.clientId}: access`, body);
}

/** The only page a client secret ever appears on. Sent with no-store; not logged, not audited. */
export function partnerSecretPage(session: ConsoleSession, partner: PartnerRow, secret: string, rotated: boolean): string {
  const body = `<p class="note" role="status">${rotated ? 'The secret is rotated: the old one no longer works.' : 'The client is created.'} Copy its secret now: this page is the only time it is shown. Saldo keeps only a hash of it.</p>
<div class="panel"><dl><dt>Client id</dt><dd><code>${esc(partner.clientId)}</code></dd>
<dt><label for="secret">Client secret</label></dt><dd><input id="secret" value="${esc(secret)}" readonly autocomplete="off" spellcheck="false" style="width:100%;font-family:monospace"></dd>
<dt>Scopes</dt><dd>${esc(partner.scopes.join(' '))}</dd><dt>Issuers</dt><dd>${partner.allIssuers ? 'all' : esc(partner.issuers.join(', '))}</dd></dl>
<p>The client gets a token with <code>POST /oauth/token</code>, <code>grant_type=client_credentials</code> and these credentials (HTTP Basic or form fields).</p></div>
<p><a href="/console/partners">Back to partner clients</a></p>`;
  return consolePage(session, '/console/partners', rotated ? `New secret for ${partner.clientId}` : `Partner client ${partner.clientId} created`, body);
}
