import type { Language } from '#channels/telephony';
import { esc, layout } from './html.js';
import { qrSvg } from './qr-svg.js';

export interface TerminalCheckView {
  readonly language: Language;
  readonly timeZone: string;
  readonly cardLabel: string;
  readonly token: string;
  readonly expiresAt: Date;
  readonly validSeconds: number;
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
    back: '返回余额',
  },
} as const;

/** The QR code a POS terminal scans for one balance inquiry, its text, and when it stops working. */
export function terminalCheckPage(v: TerminalCheckView): string {
  const t = TEXT[v.language];
  const time = new Intl.DateTimeFormat(v.language === 'en' ? 'en-US' : 'zh-CN', { timeStyle: 'medium', timeZone: v.timeZone }).format(v.expiresAt);
  const body = `<nav><h1>${esc(t.title)}</h1><a href="/">${esc(t.back)}</a></nav>
<section class="card qr-card"><h2>${esc(t.card(v.cardLabel))}</h2><p>${esc(t.how)}</p>
${qrSvg(v.token, t.qr(v.cardLabel))}
<p>${esc(t.code)}<br><code class="token">${esc(v.token)}</code></p>
<p role="status"><time datetime="${v.expiresAt.toISOString()}">${esc(t.expires(time, v.validSeconds))}</time></p>
<p class="note">${esc(t.keep)}</p></section>`;
  return layout(v.language, t.title, body);
}
