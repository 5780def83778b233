import { esc, frame } from './layout.js';

export function signInPage(options: { next?: string; message?: string } = {}): string {
  const alert = options.message ? `<p class="error" role="alert">${esc(options.message)}</p>` : '';
  return frame(
    'Sign in',
    `<main style="max-width:24rem"><h1>Saldo console</h1>${alert}
<form method="post" action="/console/sign-in">
<input type="hidden" name="next" value="${esc(options.next ?? '')}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required maxlength="64">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<p><button type="submit">Sign in</button></p></form></main>`,
  );
}
