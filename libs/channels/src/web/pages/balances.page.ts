import { formatMoney, type MoneyStyle } from '#domain';
import type { CardAnswer, Language } from '#channels/telephony';
import { esc, layout } from './html.js';
import { outcomeWording } from './outcome-wording.js';

const TEXT = {
  en: {
    title: 'Your cards',
    card: (last4: string, issuer: string) => `Card ending ${last4} · ${issuer}`,
    headings: ['Account', 'Available', 'Ledger', 'Pending'],
    types: { DEFAULT: 'Account', SAVINGS: 'Savings', CHECKING: 'Checking', CREDIT: 'Credit' },
    asOf: 'As of',
    signOut: 'Sign out',
    history: 'Transaction history',
    terminal: 'Check at a terminal',
    terminalFor: (last4: string) => `Check at a terminal: card ending ${last4}`,
    settings: 'Settings',
    help: 'Help',
    language: '中文',
    actions: 'Your account',
  },
  zh: {
    title: '我的卡',
    card: (last4: string, issuer: string) => `尾号${last4} · ${issuer}`,
    headings: ['账户', '可用余额', '账面余额', '待入账'],
    types: { DEFAULT: '账户', SAVINGS: '储蓄', CHECKING: '活期', CREDIT: '信用' },
    asOf: '截至',
    signOut: '退出',
    history: '交易明细',
    terminal: '在终端查询',
    terminalFor: (last4: string) => `在终端查询：尾号${last4}的卡`,
    settings: '设置',
    help: '帮助',
    language: 'English',
    actions: '账户操作',
  },
} as const;

export interface BalancesView {
  readonly language: Language;
  readonly answers: readonly CardAnswer[];
  readonly csrf: string;
  readonly timeZone: string;
  readonly money: MoneyStyle;
}

/**
 * Every card of the signed-in cardholder with each account's available, ledger and pending
 * balance; under an answered card, its history and a QR code for a terminal.
 */
export function balancesPage(v: BalancesView): string {
  const { language, csrf } = v;
  const t = TEXT[language];
  const asOf = new Intl.DateTimeFormat(language === 'en' ? 'en-US' : 'zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: v.timeZone }).format(new Date());
  const token = `<input type="hidden" name="csrf" value="${esc(csrf)}">`;
  const cards = v.answers.map(({ card, result }, index) => {
    const heading = `<h2>${esc(t.card(card.last4, card.issuerName))}</h2><p><a href="/history?card=${index}">${esc(t.history)}</a></p>`;
    if (result.outcome !== 'APPROVED') return `<section class="card">${heading}<p class="refusal">${esc(outcomeWording(language, result.outcome))}</p></section>`;
    const rows = (result.balances ?? []).map(
      (b) =>
        `<tr><td>${esc(t.types[b.type])}</td>${[b.available, b.ledger, b.pending].map((m) => `<td class="amount">${esc(formatMoney(m, b.currency, v.money))}</td>`).join('')}</tr>`,
    );
    const terminal = `<form method="post" action="/check-at-terminal">${token}<input type="hidden" name="card" value="${index}"><button type="submit" aria-label="${esc(t.terminalFor(card.last4))}">${esc(t.terminal)}</button></form>`;
    return `<section class="card">${heading}<table class="balances"><thead><tr>${t.headings.map((h, column) => `<th scope="col"${column > 0 ? ' class="amount"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${terminal}</section>`;
  });
  const other: Language = language === 'en' ? 'zh' : 'en';
  // On a phone the title has a row to itself and the actions a row below, wrapping between items
  // (never inside one); a wider screen puts both on one row.
  const header = `<header class="top"><h1>${esc(t.title)}</h1><nav class="actions" aria-label="${esc(t.actions)}">
<a href="/settings">${esc(t.settings)}</a><a href="/help">${esc(t.help)}</a>
<form method="post" action="/settings/language">${token}<input type="hidden" name="language" value="${other}"><button type="submit" class="secondary" lang="${other === 'zh' ? 'zh-CN' : 'en'}">${esc(t.language)}</button></form>
<form method="post" action="/sign-out">${token}<button type="submit" class="secondary">${esc(t.signOut)}</button></form></nav></header>`;
  return layout(language, t.title, `${header}<p>${esc(`${t.asOf} ${asOf}`)}</p>${cards.join('')}`);
}
