import { maskPhone } from '#domain';
import type { ConsoleSession } from '../auth/console-sessions.js';
import { can } from '../auth/permissions.js';
import type { RecentQuery, SupportCard } from '../cards/card-support.js';
import { consolePage, csrfField, esc } from './layout.js';

export interface CardsView {
  readonly issuers: readonly { code: string; name: string }[];
  readonly issuer?: string;
  readonly last4?: string;
  readonly cards?: readonly SupportCard[];
  readonly recent?: readonly RecentQuery[];
  readonly message?: string;
  readonly done?: string;
}

function lockCell(session: ConsoleSession, locked: boolean, tries: number, action: string, cardId: string, label: string): string {
  const state = locked ? `<strong>locked</strong> (${tries} wrong)` : `${tries} wrong`;
  if (!locked && tries === 0) return state;
  if (!can(session.role, 'cards.unlock')) return state;
  const reason = `${action}-reason-${cardId}`;
  return `${state} <form method="post" action="/console/cards/${esc(cardId)}/${action}" class="unlock">${csrfField(session)}
<label for="${esc(reason)}">Reason or ticket</label><input id="${esc(reason)}" name="reason" required maxlength="200" autocomplete="off">
<button type="submit">${esc(label)}</button></form>`;
}

/** Support's card page: look up by issuer and last 4, the card's locks, its recent queries. */
export function cardsPage(session: ConsoleSession, view: CardsView): string {
  const options = view.issuers
    .map((i) => `<option value="${esc(i.code)}"${i.code === view.issuer ? ' selected' : ''}>${esc(`${i.name} (${i.code})`)}</option>`)
    .join('');
  const form = `<form class="panel filters" method="get" action="/console/cards">
<div><label for="issuer">Issuer</label><select id="issuer" name="issuer" required>${options}</select></div>
<div><label for="last4">Last 4 digits</label><input id="last4" name="last4" inputmode="numeric" pattern="[0-9]{4}" maxlength="4" required value="${esc(view.last4 ?? '')}"></div>
<div><button type="submit">Find card</button></div></form>`;
  const notes = [view.done ? `<p class="note" role="status">${esc(view.done)}</p>` : '', view.message ? `<p class="error" role="alert">${esc(view.message)}</p>` : ''].join('');
  const cards = (view.cards ?? []).map(
    (c) => `<section class="panel" aria-label="${esc(`Card ${c.masked}`)}"><h2>${esc(c.masked)}</h2><dl class="facts">
<dt>Issuer</dt><dd>${esc(c.issuerName)}</dd><dt>Expires</dt><dd>${esc(c.expiry)}</dd><dt>Status</dt><dd>${esc(c.status)}</dd>
<dt>Cardholder</dt><dd>${esc(c.cardholder.name)} · ${esc(c.cardholder.phones.map(maskPhone).join(', '))}</dd>
<dt>Card PIN</dt><dd>${lockCell(session, c.pinLocked, c.pinTries, 'unlock-pin', c.id, 'Unlock PIN')}</dd>
<dt>Phone PIN</dt><dd>${lockCell(session, c.cardholder.phoneLocked, c.cardholder.phonePinTries, 'unlock-phone', c.id, 'Unlock phone access')}</dd></dl></section>`,
  );
  const cardTable = view.cards ? (cards.length ? cards.join('') : '<p class="note" role="status">No card of this issuer ends with these digits.</p>') : '';
  const recent = view.recent?.length
    ? `<div class="panel"><h2>Recent queries</h2><table><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Channel</th><th scope="col">Requester</th><th scope="col">Outcome</th><th scope="col">Latency</th></tr></thead><tbody>${view.recent
        .map((q) => `<tr><td>${esc(q.at.toISOString().replace('T', ' ').slice(0, 19))}</td><td>${esc(q.channel)}</td><td>${esc(q.requester)}</td><td>${esc(q.outcome)}</td><td class="num">${(q.latencyMicros / 1000).toFixed(1)} ms</td></tr>`)
        .join('')}</tbody></table></div>`
    : view.cards?.length
      ? '<p>No queries recorded for this card yet.</p>'
      : '';
  return consolePage(session, '/console/cards', 'Cards', `${form}${notes}${cardTable}${recent}`);
}
