import type { Language } from '#channels/telephony';
import { esc, layout } from './html.js';
import { qrSvg } from './qr-svg.js';

export interface TerminalCheckView {
  readonly language: Language;
  readonly timeZone: string;
  readonly cardIndex: number;
  readonly cardLabel: string;
  readonly csrf: string;
  readonly validSeconds: number;
  /** The card's code while it works; without it, the page offers to make a new one. */
  readonly code?: { readonly token: string; readonly expiresAt: Date };
}

const TEXT = {
  en: {
    title: 'Check at a terminal',
    card: (last4: string) => `Card ending ${last4}`,
    how: 'Show this code to the terminal’s scanner. It gives this card’s balance once; no card or PIN is needed at the terminal.',
    qr: (last4: string) => `QR code for a balance check of the card ending ${last4}`,
    code: 'Or key in this code:',
    expires: (time: string, seconds: number) => `Valid once, until ${time} (${seconds} seconds from when it was made).`,
    keep: 'Anyone who sees this code can check this balance once until then: show it only to the terminal.',
    gone: 'This card has no code that works now: the last one has expired or has been used.',
    make: 'Make a new code',
    makeFor: (last4: string) => `Make a new terminal code for the card ending ${last4}`,
    back: 'Back to balances',
  },
  zh: {
    title: '在终端查询',
    card: (last4: string) => `尾号${last4}的卡`,
    how: '请将此二维码对准终端扫描。可查询此卡余额一次，终端上无需刷卡或输入密码。',
    qr: (last4: string) => `尾号${last4}的卡的余额查询二维码`,
    code: '或在终端输入此代码：',
    expires: (time: string, seconds: number) => `仅可使用一次，有效期至${time}（生成后${seconds}秒）。`,
    keep: '在此之前，任何看到此码的人都可查询一次余额：请只向终端出示。',
    gone: '此卡目前没有可用的查询码：上一个已过期或已使用。',
    make: '生成新的查询码',
    makeFor: (last4: string) => `为尾号${last4}的卡生成新的终端查询码`,
    back: '返回余额',
  },
} as const;

/**
 * The QR code a POS terminal scans for one balance inquiry, its text, and when it stops working;
 * once it has stopped, a button to make another (a form post: making a code is a change).
 */
export function terminalCheckPage(v: TerminalCheckView): string {
  const t = TEXT[v.language];
  const content = v.code ? shownCode(v, v.code) : `<p role="status">${esc(t.gone)}</p>
<form method="post" action="/check-at-terminal"><input type="hidden" name="csrf" value="${esc(v.csrf)}"><input type="hidden" name="card" value="${v.cardIndex}"><button type="submit" aria-label="${esc(t.makeFor(v.cardLabel))}">${esc(t.make)}</button></form>`;
  const body = `<nav><h1>${esc(t.title)}</h1><a href="/">${esc(t.back)}</a></nav>
<section class="card qr-card"><h2>${esc(t.card(v.cardLabel))}</h2>${content}</section>`;
  return layout(v.language, t.title, body);
}

function shownCode(v: TerminalCheckView, code: { readonly token: string; readonly expiresAt: Date }): string {
  const t = TEXT[v.language];
  const time = new Intl.DateTimeFormat(v.language === 'en' ? 'en-US' : 'zh-CN', { timeStyle: 'medium', timeZone: v.timeZone }).format(code.expiresAt);
  return `<p>${esc(t.how)}</p>
${qrSvg(code.token, t.qr(v.cardLabel))}
<p>${esc(t.code)}<br><code class="token">${esc(code.token)}</code></p>
<p role="status"><time datetime="${code.expiresAt.toISOString()}">${esc(t.expires(time, v.validSeconds))}</time></p>
<p class="note">${esc(t.keep)}</p>`;
}
