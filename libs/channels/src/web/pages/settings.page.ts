import { formatMoney, type MoneyStyle } from '#domain';
import type { Language } from '#channels/telephony';
import { esc, layout } from './html.js';

const TEXT = {
  en: {
    title: 'Settings',
    intro: 'How amounts are shown on your balances and history.',
    currency: 'Currency',
    code: 'Currency code',
    symbol: 'Currency symbol',
    grouping: 'Thousands',
    grouped: 'With separators',
    plain: 'Without separators',
    save: 'Save',
    back: 'Back to balances',
    kept: 'Kept until you sign out.',
  },
  zh: {
    title: '设置',
    intro: '余额和交易明细中金额的显示方式。',
    currency: '币种',
    code: '币种代码',
    symbol: '货币符号',
    grouping: '千位分隔',
    grouped: '使用分隔符',
    plain: '不使用分隔符',
    save: '保存',
    back: '返回余额',
    kept: '在您退出前有效。',
  },
} as const;

/** One labelled radio button; the sample shows what the choice looks like. */
function choice(name: string, value: string, checked: boolean, label: string, sample: string): string {
  const id = `${name}-${value}`;
  return `<label class="choice" for="${id}"><input type="radio" id="${id}" name="${name}" value="${value}"${checked ? ' checked' : ''}>${esc(`${label}: ${sample}`)}</label>`;
}

/** The amount display settings: currency code or symbol, thousands separators or none. */
export function settingsPage(language: Language, style: MoneyStyle, csrf: string): string {
  const t = TEXT[language];
  const sample = (s: MoneyStyle) => formatMoney(123456n, language === 'zh' ? 'CNY' : 'USD', s);
  const grouped = style.grouping !== false;
  const form = `<form method="post" action="/settings/amounts" class="card"><input type="hidden" name="csrf" value="${esc(csrf)}">
<p>${esc(t.intro)}</p>
<fieldset><legend>${esc(t.currency)}</legend>
${choice('currency', 'code', style.currency === 'code', t.code, sample({ ...style, currency: 'code' }))}
${choice('currency', 'symbol', style.currency === 'symbol', t.symbol, sample({ ...style, currency: 'symbol' }))}</fieldset>
<fieldset><legend>${esc(t.grouping)}</legend>
${choice('grouping', 'on', grouped, t.grouped, sample({ ...style, grouping: true }))}
${choice('grouping', 'off', !grouped, t.plain, sample({ ...style, grouping: false }))}</fieldset>
<p>${esc(t.kept)}</p><button type="submit">${esc(t.save)}</button></form>`;
  return layout(language, t.title, `<nav><h1>${esc(t.title)}</h1><a href="/">${esc(t.back)}</a></nav>${form}`);
}
