import { encodeCursor, TRANSACTION_TYPES, type TransactionPosition, type TransactionType } from '#bank-core';
import { formatMoney, type MoneyStyle } from '#domain';
import type { CoreTransaction } from '#bank-core';
import type { OutcomeCode } from '#pipeline';
import type { Language } from '#channels/telephony';
import { esc, layout } from './html.js';
import { outcomeWording } from './outcome-wording.js';

export interface HistoryView {
  readonly language: Language;
  readonly timeZone: string;
  readonly money: MoneyStyle;
  readonly cardIndex: number;
  readonly cardLabel: string;
  readonly from: string;
  readonly to: string;
  readonly type?: TransactionType;
  readonly items: readonly CoreTransaction[];
  readonly next?: TransactionPosition;
  readonly notice?: HistoryNotice;
}

/** Why the page shows no rows: a period that is not one, or the query's refusal. */
export type HistoryNotice = { readonly kind: 'period' } | { readonly kind: 'refused'; readonly outcome: OutcomeCode };

const TEXT = {
  en: { title: 'History', from: 'From', to: 'To', type: 'Type', any: 'Any', show: 'Show', next: 'Older transactions', back: 'Back to balances', none: 'No transactions in this period.', period: 'Pick a period: the first day, then the last.', headings: ['Date', 'Type', 'Description', 'Amount'] },
  zh: { title: '交易明细', from: '开始日期', to: '结束日期', type: '类型', any: '全部', show: '查询', next: '更早的交易', back: '返回余额', none: '此期间没有交易。', period: '请选择查询期间：先选开始日期，再选结束日期。', headings: ['日期', '类型', '摘要', '金额'] },
} as const;

const TYPE_NAMES: Record<Language, Record<TransactionType, string>> = {
  en: { PURCHASE: 'Purchase', DEPOSIT: 'Deposit', WITHDRAWAL: 'Withdrawal', TRANSFER_IN: 'Transfer in', TRANSFER_OUT: 'Transfer out', FEE: 'Fee', REFUND: 'Refund' },
  zh: { PURCHASE: '消费', DEPOSIT: '存入', WITHDRAWAL: '取现', TRANSFER_IN: '转入', TRANSFER_OUT: '转出', FEE: '费用', REFUND: '退款' },
};

/** One card's transactions, newest first, filtered by period and type, a page at a time (keyset). */
export function historyPage(v: HistoryView): string {
  const t = TEXT[v.language];
  const date = new Intl.DateTimeFormat(v.language === 'en' ? 'en-US' : 'zh-CN', { dateStyle: 'medium', timeZone: v.timeZone });
  const options = TRANSACTION_TYPES.map((type) => `<option value="${type}"${type === v.type ? ' selected' : ''}>${esc(TYPE_NAMES[v.language][type])}</option>`).join('');
  const filter = `<form method="get" action="/history" class="card filters"><input type="hidden" name="card" value="${v.cardIndex}">
<div><label for="from">${esc(t.from)}</label><input id="from" name="from" type="date" value="${esc(v.from)}" required></div>
<div><label for="to">${esc(t.to)}</label><input id="to" name="to" type="date" value="${esc(v.to)}" required></div>
<div class="wide"><label for="type">${esc(t.type)}</label><select id="type" name="type"><option value="">${esc(t.any)}</option>${options}</select></div>
<button type="submit" class="wide">${esc(t.show)}</button></form>`;
  const rows = v.items.map(
    (x) =>
      `<tr><td>${esc(date.format(x.postedAt))}</td><td>${esc(TYPE_NAMES[v.language][x.type])}</td><td>${esc(x.description)}</td><td class="amount">${esc(formatMoney(x.amount, x.currency, v.money))}</td></tr>`,
  );
  const table = rows.length
    ? `<table><thead><tr>${t.headings.map((h, column) => `<th scope="col"${column === 3 ? ' class="amount"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
    : `<p>${esc(t.none)}</p>`;
  const query = (extra: Record<string, string>) => new URLSearchParams({ card: String(v.cardIndex), from: v.from, to: v.to, ...(v.type ? { type: v.type } : {}), ...extra }).toString();
  const more = v.next ? `<p><a href="/history?${esc(query({ after: encodeCursor(v.next) }))}">${esc(t.next)}</a></p>` : '';
  const message = v.notice && (v.notice.kind === 'period' ? t.period : outcomeWording(v.language, v.notice.outcome));
  const note = message ? `<p class="note" role="status">${esc(message)}</p>` : '';
  return layout(v.language, t.title, `<nav><h1>${esc(`${t.title} · ${v.cardLabel}`)}</h1><a href="/">${esc(t.back)}</a></nav>${note}${filter}<section class="card">${table}${more}</section>`);
}
