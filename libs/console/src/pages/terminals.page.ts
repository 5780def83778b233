import type { ConsoleSession } from '../auth/console-sessions.js';
import { PIN_BLOCK_FORMATS, PIN_MODES, TERMINAL_CACHE_SECONDS, type TerminalKeysInput, type TerminalRow } from '../manage/terminal-admin.js';
import { consolePage, csrfField, esc } from './layout.js';
import { actionForm, head, notices, options, textField, when, type Notice } from './manage-kit.js';

export interface KeyChoices {
  readonly pin: readonly string[];
  readonly bdk: readonly string[];
  readonly mac: readonly string[];
}

export interface TerminalsView extends Notice {
  readonly terminals: readonly TerminalRow[];
  readonly keys: KeyChoices;
  /** What the add form had when it was refused. */
  readonly form?: Partial<TerminalKeysInput & { tid: string; mid: string }>;
}

const MODE_LABELS: Record<string, string> = {
  NONE: 'NONE — no PIN entry',
  FIXED_KEY: 'FIXED_KEY — PIN key (TPK/ZPK)',
  DUKPT_TDES: 'DUKPT_TDES — ANSI X9.24-1',
  DUKPT_AES: 'DUKPT_AES — ANSI X9.24-3',
};

const CACHE_NOTE = `<p class="note">Changes reach running gateways within ${TERMINAL_CACHE_SECONDS} seconds: each instance keeps a terminal's settings that long. A disabled terminal's requests are refused from then on.</p>`;

/** The PIN and MAC fields, shared by the add form and the change-keys form (ids prefixed so both can be on a page). */
export function keyFields(prefix: string, values: Partial<TerminalKeysInput>, keys: KeyChoices): string {
  const id = (name: string) => `${prefix}-${name}`;
  const list = (name: string, refs: readonly string[]) => `<datalist id="${esc(id(name))}">${refs.map((r) => `<option value="${esc(r)}"></option>`).join('')}</datalist>`;
  return `<fieldset><legend>PIN entry</legend><div class="filters">
<div><label for="${id('pinMode')}">PIN mode</label><select id="${id('pinMode')}" name="pinMode" required>${options(PIN_MODES, values.pinMode ?? 'NONE', MODE_LABELS)}</select></div>
<div><label for="${id('pinBlockFormat')}">PIN block format</label><select id="${id('pinBlockFormat')}" name="pinBlockFormat"><option value="">none</option>${options(PIN_BLOCK_FORMATS, values.pinBlockFormat ?? '')}</select></div>
${textField(id('pinKeyRef'), 'pinKeyRef', 'PIN key reference', values.pinKeyRef ?? '', `list="${id('pinKeys')}" maxlength="64" autocomplete="off" spellcheck="false"`, 'FIXED_KEY: a TPK/ZPK (AES for ISO-4, else TDES). DUKPT: the BDK.')}
${list('pinKeys', [...keys.pin, ...keys.bdk])}
${textField(id('dukptInitialId'), 'dukptInitialId', 'DUKPT initial KSN / key ID', values.dukptInitialId ?? '', 'maxlength="20" autocomplete="off" spellcheck="false" pattern="[0-9A-Fa-f]{16}([0-9A-Fa-f]{4})?"', 'TDES: 20 hex digits (initial KSN). AES: 16 hex digits (initial key ID).')}
</div></fieldset>
<fieldset><legend>Message authentication</legend><div class="filters">
<div><label><input type="checkbox" name="macRequired" value="on"${values.macRequired ? ' checked' : ''}> Requests must carry a MAC</label></div>
${textField(id('macKeyRef'), 'macKeyRef', 'MAC key reference', values.macKeyRef ?? '', `list="${id('macKeys')}" maxlength="64" autocomplete="off" spellcheck="false"`, 'A TDES TAK/ZAK, or a DUKPT terminal’s own BDK.')}
${list('macKeys', [...keys.mac, ...keys.bdk])}
</div></fieldset>`;
}

function row(session: ConsoleSession, t: TerminalRow): string {
  const toggle =
    t.status === 'ACTIVE'
      ? actionForm(session, `/console/terminals/${t.id}/disable`, 'Disable', `Disable terminal ${t.tid}`, true)
      : actionForm(session, `/console/terminals/${t.id}/enable`, 'Enable', `Enable terminal ${t.tid}`);
  const cell = (v: string | null) => (v ? `<code>${esc(v)}</code>` : '—');
  return `<tr><th scope="row"><code>${esc(t.tid)}</code></th><td><code>${esc(t.mid)}</code></td><td>${t.status === 'ACTIVE' ? 'active' : '<strong>disabled</strong>'}</td>
<td>${esc(t.pinMode)}</td><td>${esc(t.pinBlockFormat ?? '—')}</td><td>${cell(t.pinKeyRef)}${t.dukptInitialId ? `<br><small>DUKPT id <code>${esc(t.dukptInitialId)}</code></small>` : ''}</td>
<td>${t.macRequired ? 'yes' : 'no'}</td><td>${cell(t.macKeyRef)}</td><td>${esc(t.profile)}</td><td>${when(t.createdAt)}</td>
<td>${toggle} <a href="/console/terminals/${t.id}" aria-label="Change keys of terminal ${esc(t.tid)}">Change keys</a></td></tr>`;
}

/** Terminals: the POS channel's list, an add form, enable/disable, a link to each one's key settings. */
export function terminalsPage(session: ConsoleSession, view: TerminalsView): string {
  const f = view.form ?? {};
  const table = view.terminals.length
    ? `<table>${head('TID', 'MID', 'Status', 'PIN mode', 'PIN block', 'PIN key', 'MAC required', 'MAC key', 'Profile', 'Added', 'Actions')}<tbody>${view.terminals.map((t) => row(session, t)).join('')}</tbody></table>`
    : '<p>No terminals yet.</p>';
  const add = `<form class="panel" method="post" action="/console/terminals" aria-labelledby="add-terminal">${csrfField(session)}<h2 id="add-terminal">Add a terminal</h2>
<div class="filters">${textField('tid', 'tid', 'Terminal id (TID, field 41)', f.tid ?? '', 'required minlength="8" maxlength="8" autocomplete="off" spellcheck="false"', '8 characters')}
${textField('mid', 'mid', 'Merchant id (MID, field 42)', f.mid ?? '', 'required minlength="15" maxlength="15" autocomplete="off" spellcheck="false"', '15 characters')}</div>
${keyFields('new', f, view.keys)}<p><button type="submit">Add terminal</button></p></form>`;
  return consolePage(session, '/console/terminals', 'Terminals', `${notices(view)}${CACHE_NOTE}<div class="panel">${table}</div>${add}`);
}

/** One terminal's PIN and MAC settings. */
export function terminalKeysPage(session: ConsoleSession, terminal: TerminalRow, keys: KeyChoices, view: Notice & { form?: Partial<TerminalKeysInput> } = {}): string {
  const values = view.form ?? {
    pinMode: terminal.pinMode,
    pinBlockFormat: terminal.pinBlockFormat ?? '',
    pinKeyRef: terminal.pinKeyRef ?? '',
    dukptInitialId: terminal.dukptInitialId ?? '',
    macRequired: terminal.macRequired,
    macKeyRef: terminal.macKeyRef ?? '',
  };
  const body = `${notices(view)}${CACHE_NOTE}<p>Terminal <code>${esc(terminal.tid)}</code>, merchant <code>${esc(terminal.mid)}</code>, ${terminal.status === 'ACTIVE' ? 'active' : 'disabled'}.</p>
<form class="panel" method="post" action="/console/terminals/${terminal.id}/keys">${csrfField(session)}${keyFields('edit', values, keys)}
<p><button type="submit">Save key settings</button> <a href="/console/terminals">Back to terminals</a></p></form>`;
  return consolePage(session, '/console/terminals', `Terminal ${terminal.tid}: keys`, body);
}
