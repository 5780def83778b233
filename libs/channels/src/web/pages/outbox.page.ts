import type { OutboxMessage } from '../demo-outbox.js';
import { esc, layout } from './html.js';

/** The demo outbox: what Saldo would have texted to one number (no SMS provider is configured). */
export function outboxPage(phone: string, messages: readonly OutboxMessage[]): string {
  const form = `<form method="get" action="/outbox"><label for="to">Phone number</label>
<input id="to" name="to" type="tel" required pattern="\\+[1-9][0-9]{6,14}" value="${esc(phone)}"><button type="submit">Show its texts</button></form>`;
  const list = messages.length
    ? `<ol>${messages.map((m) => `<li><p>${esc(m.body)}</p><p><small>${esc(m.createdAt.toISOString().replace('T', ' ').slice(0, 19))} UTC</small></p></li>`).join('')}</ol>`
    : `<p role="status">${phone ? 'No texts to this number yet.' : 'Enter a number to see the texts sent to it.'}</p>`;
  const body = `<h1>Demo outbox</h1><p class="note">No SMS provider is configured, so Saldo sends no texts: they wait here.
This page exists only in the demo, never in production.</p><div class="card">${form}</div>
<section class="card" aria-label="Texts, newest first">${list}</section><p><a href="/">Back to sign-in</a></p>`;
  return layout('en', 'Saldo — demo outbox', body);
}
