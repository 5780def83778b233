import { formatAmount } from '#domain';
import type { SmsLanguage } from './sms-command.js';
import { isGsm7, smsSegments, toGsm7 } from './sms-segments.js';

export type AccountType = 'DEFAULT' | 'SAVINGS' | 'CHECKING' | 'CREDIT';

export interface CardBalanceLine {
  last4: string;
  issuerName: string;
  balances: { type: AccountType; currency: string; available: bigint; ledger: bigint }[];
}

export interface TransactionLine {
  postedAt: Date;
  /** Signed integer minor units: negative is a debit. */
  amount: bigint;
  currency: string;
  description: string;
}

export type CardRefusal =
  | 'CARD_BLOCKED'
  | 'EXPIRED_CARD'
  | 'RATE_LIMITED'
  | 'ISSUER_UNAVAILABLE'
  | 'SYSTEM_ERROR'
  | 'NOT_FOUND'
  | 'OTHER';

export interface CardRefusalLine {
  last4: string;
  refusal: CardRefusal;
}

/** Long answers arrive out of order and read as spam; past three, the user asks card by card. */
export const MAX_BALANCE_MESSAGES = 3;
export const MINI_STATEMENT_SIZE = 5;

/**
 * One segment each, so a reply is billed once and never reassembled out of order. English must
 * also stay GSM-7: a single foreign character would switch it to UCS-2 and 70 characters.
 */
function fitsOneSegment(lang: SmsLanguage, text: string): boolean {
  return lang === 'en' ? isGsm7(text) && smsSegments(text).units <= 160 : text.length <= 70;
}

function assertOneSegment(lang: SmsLanguage, text: string): string {
  // The text may hold balances: the error says which limit broke, never what the reply said.
  if (!fitsOneSegment(lang, text)) throw new RangeError(`SMS reply exceeds one ${lang === 'en' ? 'GSM-7' : 'UCS-2'} segment`);
  return text;
}

/** Only ever the last 4: anything longer would put card data into a text message. */
function assertLast4(last4: string): string {
  if (!/^[0-9]{4}$/.test(last4)) throw new RangeError('a card is shown by exactly its last 4 digits');
  return last4;
}

export { formatAmount };

interface LocalTime {
  /** `11/28`: month/day without padding, short and read the same way in both languages. */
  readonly monthDay: string;
  readonly day: string;
  /** `14:05`. */
  readonly time: string;
}

/** Building a DateTimeFormat costs far more than using one, and callers share a handful of zones. */
const clocks = new Map<string, Intl.DateTimeFormat>();

function localTime(at: Date, timeZone: string): LocalTime {
  let clock = clocks.get(timeZone);
  if (!clock) {
    const options = { timeZone, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
    clock = new Intl.DateTimeFormat('en-US', options);
    clocks.set(timeZone, clock);
  }
  const parts = clock.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { monthDay: `${part('month')}/${part('day')}`, day: part('day'), time: `${part('hour')}:${part('minute')}` };
}

type MiniDateStyle = 'monthDay' | 'day';

/** Everything that differs between the languages; the packing and fitting rules are shared. */
interface Wording {
  card(last4: string): string;
  accountType: Readonly<Record<AccountType, string>>;
  /** One account; `ledgerCurrency: false` is the shorter form for crowded cards. */
  account(label: string, currency: string, available: bigint, ledger: bigint, ledgerCurrency: boolean): string;
  accountSeparator: string;
  refusal: Readonly<Record<CardRefusal, string>>;
  balanceHeader(at: LocalTime, withDate: boolean): string;
  moreCards(count: number, exampleLast4: string): string;
  miniHeader(last4: string, count: number, currency: string | undefined): string;
  miniDateStyles: readonly MiniDateStyle[];
  miniDate(at: LocalTime, style: MiniDateStyle): string;
  /** A signed amount; the currency only when the header could not name one for all lines. */
  miniAmount(minor: bigint, currency: string, withCurrency: boolean): string;
  description(text: string): string;
  noTransactions(last4: string): string;
  help: string;
  unregistered: string;
  languageChanged: string;
  noSuchCard(last4: string): string;
  pickCard(last4s: string, more: boolean): string;
  rateLimited: string;
  unavailable: string;
}

const signed = (minor: bigint, currency: string) => `${minor > 0n ? '+' : ''}${formatAmount(minor, currency)}`;
const oneLine = (text: string) => text.replace(/[\s\p{Cc}]+/gu, ' ').trim();

const EN: Wording = {
  card: (last4) => `*${last4}`,
  accountType: { DEFAULT: 'ACC', SAVINGS: 'SAV', CHECKING: 'CHK', CREDIT: 'CRD' },
  account: (label, currency, available, ledger, ledgerCurrency) =>
    `${label ? `${label} ` : ''}Avl ${currency} ${formatAmount(available, currency)} ` +
    `Ldg ${ledgerCurrency ? `${currency} ` : ''}${formatAmount(ledger, currency)}`,
  accountSeparator: '; ',
  refusal: {
    CARD_BLOCKED: 'card blocked',
    EXPIRED_CARD: 'card expired',
    RATE_LIMITED: 'too many requests, try later',
    ISSUER_UNAVAILABLE: 'bank unavailable, try later',
    SYSTEM_ERROR: 'unavailable, try later',
    NOT_FOUND: 'not found',
    OTHER: 'not available',
  },
  balanceHeader: (at, withDate) => `Bal ${withDate ? `${at.monthDay} ` : ''}${at.time}`,
  moreCards: (count, last4) => `+${count} more: reply BAL ${last4} for one card`,
  miniHeader: (last4, count, currency) => `*${last4} last ${count}${currency ? ` (${currency})` : ''}:`,
  miniDateStyles: ['monthDay'],
  miniDate: (at) => at.monthDay,
  miniAmount: (minor, currency, withCurrency) => `${signed(minor, currency)}${withCurrency ? ` ${currency}` : ''}`,
  description: (text) => oneLine(toGsm7(oneLine(text))),
  noTransactions: (last4) => `*${last4}: no recent transactions.`,
  help:
    'Commands: BAL or BAL ALL = all cards; BAL 1234 = card ending 1234; ' +
    'MINI 1234 = last 5 transactions; LANG ZH = Chinese; LANG EN = English; ? = this list',
  unregistered: 'This number is not registered for balance alerts. Please contact your bank.',
  languageChanged: 'Language set to English. Reply ? for the list of commands.',
  noSuchCard: (last4) => `No card ending ${last4} is linked to this number. Reply BAL for all your cards.`,
  pickCard: (last4s, more) => `Which card? Reply MINI and its last 4 digits: ${last4s}${more ? ' ...' : ''}`,
  rateLimited: 'Too many requests. Please try again in a few minutes.',
  unavailable: 'Balance service is temporarily unavailable. Please try again later.',
};

/** CNY reads as 元 after the amount; other currencies keep their ISO code (never the full-width ￥). */
const zhMoney = (minor: bigint, currency: string) =>
  currency === 'CNY' ? `${formatAmount(minor, currency)}元` : `${currency}${formatAmount(minor, currency)}`;

const ZH: Wording = {
  card: (last4) => `尾号${last4}`,
  accountType: { DEFAULT: '账户', SAVINGS: '储蓄', CHECKING: '活期', CREDIT: '信用' },
  account: (label, currency, available, ledger, ledgerCurrency) =>
    `${label}可用${zhMoney(available, currency)} 账面${ledgerCurrency ? zhMoney(ledger, currency) : formatAmount(ledger, currency)}`,
  accountSeparator: '；',
  refusal: {
    CARD_BLOCKED: '卡已冻结',
    EXPIRED_CARD: '卡已过期',
    RATE_LIMITED: '查询过频，请稍后再试',
    ISSUER_UNAVAILABLE: '发卡行暂不可用',
    SYSTEM_ERROR: '暂时无法查询',
    NOT_FOUND: '未找到',
    OTHER: '无法查询',
  },
  balanceHeader: (at, withDate) => `截至${withDate ? `${at.monthDay} ` : ''}${at.time}`,
  moreCards: (count) => `另有${count}张卡，回复余额+尾号查询单卡`,
  miniHeader: (last4, count, currency) =>
    `尾号${last4}近${count}笔${currency ? `(${currency === 'CNY' ? '元' : currency})` : ''}`,
  // Five dated lines barely fit 70 characters: the day alone (28日) is the fallback before dropping lines.
  miniDateStyles: ['monthDay', 'day'],
  miniDate: (at, style) => (style === 'day' ? `${at.day}日` : at.monthDay),
  miniAmount: (minor, currency, withCurrency) =>
    `${signed(minor, currency)}${withCurrency ? (currency === 'CNY' ? '元' : currency) : ''}`,
  description: oneLine,
  noTransactions: (last4) => `尾号${last4}近期无交易。`,
  help: '余额查询指令：余额 查全部卡；余额+尾号 查单卡(如余额1234)；明细+尾号 查近5笔；LANG EN 切换英文；帮助 显示本菜单',
  unregistered: '本号码未开通余额查询服务，请联系您的发卡银行。',
  languageChanged: '已切换为中文。回复帮助查看指令。',
  noSuchCard: (last4) => `本号码未绑定尾号${last4}的卡。回复余额查询全部卡片。`,
  pickCard: (last4s, more) => `请回复明细+尾号选择卡片：${last4s}${more ? '等' : ''}`,
  rateLimited: '查询过于频繁，请稍后再试。',
  unavailable: '余额查询服务暂时不可用，请稍后再试。',
};

const WORDING: Readonly<Record<SmsLanguage, Wording>> = { en: EN, zh: ZH };

function wordingFor(lang: SmsLanguage): Wording {
  // The language comes from a stored preference, typed only by a cast.
  if (!Object.hasOwn(WORDING, lang)) throw new RangeError(`unsupported SMS language ${String(lang)}`);
  return WORDING[lang];
}

/** One line of a balance reply; `card` is the position in the input, as two cards may share a last 4. */
interface BalanceRow {
  readonly card: number;
  readonly last4: string;
  readonly label: string;
  readonly body: string;
}

type RowsFit = (rows: readonly BalanceRow[], extra?: readonly string[]) => boolean;

/** A card is named on its first line in each message; its further account lines follow unnamed. */
function renderRows(rows: readonly BalanceRow[]): string[] {
  return rows.map((row, i) => (i > 0 && rows[i - 1].card === row.card ? row.body : `${row.label} ${row.body}`));
}

/**
 * A card's lines, from roomiest to tightest layout; the first whose every line fits a message by
 * itself wins. A card with more accounts than one line holds (three in Chinese) gets a line each.
 */
function cardRows(w: Wording, line: CardBalanceLine | CardRefusalLine, card: number, fits: RowsFit): BalanceRow[] {
  const last4 = assertLast4(line.last4);
  const row = (body: string): BalanceRow => ({ card, last4, label: w.card(last4), body });
  if ('refusal' in line || line.balances.length === 0) {
    return [row(w.refusal['refusal' in line ? line.refusal : 'OTHER'])];
  }
  const several = line.balances.length > 1;
  const accounts = (ledgerCurrency: boolean) =>
    line.balances.map((b) => w.account(several ? w.accountType[b.type] : '', b.currency, b.available, b.ledger, ledgerCurrency));
  const layouts = [
    [row(accounts(true).join(w.accountSeparator))],
    [row(accounts(false).join(w.accountSeparator))],
    accounts(true).map(row),
    accounts(false).map(row),
  ];
  const chosen = layouts.find((rows) => rows.every((r) => fits([r])));
  if (!chosen) throw new RangeError('a card balance line does not fit one SMS segment');
  return chosen;
}

/** Cards in order; a card stays in one message whenever it fits in one. */
function packRows(cards: readonly BalanceRow[][], fits: RowsFit): BalanceRow[][] {
  const messages: BalanceRow[][] = [];
  let current: BalanceRow[] = [];
  for (const rows of cards) {
    if (!fits([...current, ...rows]) && current.length > 0) {
      messages.push(current);
      current = [];
    }
    for (const row of rows) {
      if (current.length > 0 && !fits([...current, row])) {
        messages.push(current);
        current = [];
      }
      current.push(row);
    }
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

/**
 * Balances for the caller's cards, packed into at most three one-segment messages, each with the
 * time once. Cards that do not fit are replaced by a hint to ask for one card at a time.
 */
export function balanceMessages(
  lang: SmsLanguage,
  lines: readonly (CardBalanceLine | CardRefusalLine)[],
  asOf: Date,
  timeZone: string,
): string[] {
  if (lines.length === 0) throw new RangeError('a balance reply needs at least one card');
  const w = wordingFor(lang);
  const at = localTime(asOf, timeZone);
  const timeHeader = w.balanceHeader(at, false);
  const fits: RowsFit = (rows, extra = []) => fitsOneSegment(lang, [timeHeader, ...renderRows(rows), ...extra].join('\n'));
  const cards = lines.map((line, card) => cardRows(w, line, card, fits));

  let messages = packRows(cards, fits);
  let hint: string | undefined;
  if (messages.length > MAX_BALANCE_MESSAGES) {
    const kept = messages.slice(0, MAX_BALANCE_MESSAGES - 1);
    const remaining = cards.flat().slice(kept.flat().length);
    // Room for the longest hint this reply could need, filled with whole cards only, so that a
    // card the hint counts as left out is not also half shown.
    const reserve = [w.moreCards(lines.length, '0000')];
    const last: BalanceRow[] = [];
    for (const card of new Set(remaining.map((r) => r.card))) {
      const rows = remaining.filter((r) => r.card === card);
      if (!fits([...last, ...rows], reserve)) break;
      last.push(...rows);
    }
    const omitted = remaining.slice(last.length);
    if (omitted.length > 0) hint = w.moreCards(new Set(omitted.map((r) => r.card)).size, omitted[0].last4);
    messages = [...kept, last];
  }

  return messages.map((rows, i) => {
    const texts = [...renderRows(rows), ...(hint !== undefined && i === messages.length - 1 ? [hint] : [])];
    const dated = [w.balanceHeader(at, true), ...texts].join('\n');
    return assertOneSegment(lang, fitsOneSegment(lang, dated) ? dated : [timeHeader, ...texts].join('\n'));
  });
}

/** Longest description worth trying: no line of a one-segment message shows more. */
const MAX_DESCRIPTION = 60;

/**
 * The last five transactions, newest first, in one segment. Descriptions shrink first, then (in
 * Chinese) the date shortens to the day, and only then do the oldest lines go.
 */
export function miniStatementMessage(lang: SmsLanguage, last4: string, items: readonly TransactionLine[], timeZone: string): string {
  const w = wordingFor(lang);
  assertLast4(last4);
  const recent = [...items].sort((a, b) => b.postedAt.getTime() - a.postedAt.getTime()).slice(0, MINI_STATEMENT_SIZE);
  if (recent.length === 0) return assertOneSegment(lang, w.noTransactions(last4));

  const shared = new Set(recent.map((i) => i.currency)).size === 1 ? recent[0].currency : undefined;
  const entries = recent.map((item) => ({
    at: localTime(item.postedAt, timeZone),
    amount: w.miniAmount(item.amount, item.currency, shared === undefined),
    description: Array.from(w.description(item.description)).slice(0, MAX_DESCRIPTION),
  }));
  const longest = Math.max(...entries.map((e) => e.description.length));

  for (let count = entries.length; count > 0; count -= 1) {
    for (const style of w.miniDateStyles) {
      for (let length = longest; length >= 0; length -= 1) {
        const lines = entries.slice(0, count).map((e) => {
          const description = e.description.slice(0, length).join('').trim();
          return [w.miniDate(e.at, style), e.amount, description].filter(Boolean).join(' ');
        });
        const text = [w.miniHeader(last4, count, shared), ...lines].join('\n');
        if (fitsOneSegment(lang, text)) return text;
      }
    }
  }
  throw new RangeError('a mini statement line does not fit one SMS segment');
}

export function helpMessage(lang: SmsLanguage): string {
  return assertOneSegment(lang, wordingFor(lang).help);
}

export function unregisteredMessage(lang: SmsLanguage): string {
  return assertOneSegment(lang, wordingFor(lang).unregistered);
}

/** Written in the newly chosen language, so the user sees the switch worked. */
export function languageChangedMessage(lang: SmsLanguage): string {
  return assertOneSegment(lang, wordingFor(lang).languageChanged);
}

export function noSuchCardMessage(lang: SmsLanguage, last4: string): string {
  return assertOneSegment(lang, wordingFor(lang).noSuchCard(assertLast4(last4)));
}

/** MINI without a last 4 from a caller with several cards: list as many as fit. */
export function pickCardMessage(lang: SmsLanguage, last4s: readonly string[]): string {
  const w = wordingFor(lang);
  const cards = last4s.map(assertLast4);
  for (let count = cards.length; count > 0; count -= 1) {
    const text = w.pickCard(cards.slice(0, count).join(lang === 'en' ? ', ' : '、'), count < cards.length);
    if (fitsOneSegment(lang, text)) return text;
  }
  throw new RangeError('a card choice needs at least one card');
}

export function rateLimitedMessage(lang: SmsLanguage): string {
  return assertOneSegment(lang, wordingFor(lang).rateLimited);
}

export function unavailableMessage(lang: SmsLanguage): string {
  return assertOneSegment(lang, wordingFor(lang).unavailable);
}
