import { esc, layout } from './html.js';

export type SignInView =
  | { step: 'phone'; message?: string }
  | { step: 'code'; phone: string; message?: string; outbox?: boolean };

/** Sign-in in two steps: the phone number, then the code sent to it by SMS. */
export function signInPage(view: SignInView): string {
  const note = view.message ? `<p class="note" role="status">${esc(view.message)}</p>` : '';
  const form =
    view.step === 'phone'
      ? `<form method="post" action="/sign-in/code">
<label for="phone">Phone number on file (with country code) / 手机号码</label>
<input id="phone" name="phone" type="tel" autocomplete="tel" required pattern="\\+[1-9][0-9]{6,14}" placeholder="+15555550100">
<button type="submit">Send me a code / 发送验证码</button></form>`
      : `<form method="post" action="/sign-in">
<input type="hidden" name="phone" value="${esc(view.phone)}">
<label for="code">Code sent by SMS to ${esc(view.phone)} / 短信验证码</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}" maxlength="6">
<button type="submit">Sign in / 登录</button></form>${
          view.outbox ? `<p class="note">Demo: no SMS is sent here. <a href="/outbox?to=${encodeURIComponent(view.phone)}" target="_blank" rel="noopener">Read the code in the outbox</a>.</p>` : ''
        }`;
  const help = `<p><a href="/help">How to check a balance: web, SMS, phone, terminal</a> · <a href="/help?lang=zh" lang="zh-CN">帮助</a></p>`;
  return layout('en', 'Saldo — sign in', `<h1>Saldo: your card balances / 余额查询</h1>${note}<div class="card">${form}</div>${help}`);
}
