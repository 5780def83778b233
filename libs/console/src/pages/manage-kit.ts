import type { ConsoleSession } from '../auth/console-sessions.js';
import { csrfField, esc } from './layout.js';

/** What a management page shows above its tables: the last change done, or why one was refused. */
export interface Notice {
  readonly done?: string;
  readonly error?: string;
}

export function notices(view: Notice): string {
  return [view.done ? `<p class="note" role="status">${esc(view.done)}</p>` : '', view.error ? `<p class="error" role="alert">${esc(view.error)}</p>` : ''].join('');
}

/** UTC, to the minute: management tables show when, not how long ago. */
export function when(date: Date | null | undefined): string {
  return date ? `${esc(date.toISOString().slice(0, 16).replace('T', ' '))}&nbsp;UTC` : '—';
}

/** A one-button form (enable, disable, rotate, revoke, remove); `label` names the thing acted on for screen readers. */
export function actionForm(session: ConsoleSession, action: string, text: string, label: string, danger = false): string {
  return `<form method="post" action="${esc(action)}" style="display:inline">${csrfField(session)}<button type="submit"${danger ? ' class="danger"' : ''} aria-label="${esc(label)}">${esc(text)}</button></form>`;
}

export function head(...columns: string[]): string {
  return `<thead><tr>${columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead>`;
}

/** A text input with its label; `hint` is read out with it (aria-describedby). */
export function textField(id: string, name: string, label: string, value: string, attrs = '', hint?: string): string {
  const hintHtml = hint ? `<small id="${esc(id)}-hint">${esc(hint)}</small>` : '';
  const described = hint ? ` aria-describedby="${esc(id)}-hint"` : '';
  return `<div><label for="${esc(id)}">${esc(label)}</label><input id="${esc(id)}" name="${esc(name)}" value="${esc(value)}"${described} ${attrs}>${hintHtml ? `<br>${hintHtml}` : ''}</div>`;
}

export function options(values: readonly string[], selected: string, labels: Readonly<Record<string, string>> = {}): string {
  return values.map((v) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(labels[v] ?? v)}</option>`).join('');
}
