import { esc, frame } from './layout.js';

/** A page that only says something (a refusal, a missing record, bad input), with a way back. */
export function messagePage(title: string, message: string): string {
  return frame(title, `<main><h1>${esc(title)}</h1><p class="error" role="alert">${esc(message)}</p><p><a href="/console">Back to the console</a></p></main>`);
}
