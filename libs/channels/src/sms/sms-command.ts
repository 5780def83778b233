export type SmsLanguage = 'en' | 'zh';

export type SmsCommand =
  | { kind: 'balance'; card: 'all' }
  | { kind: 'balance'; card: { last4: string } }
  /** 'default': no last 4 given; the caller's only card, or a reply asking which one. */
  | { kind: 'mini'; card: { last4: string } | 'default' }
  | { kind: 'language'; language: SmsLanguage }
  | { kind: 'help' }
  /** Anything else: the channel answers with help (or stays silent on a carrier keyword). */
  | { kind: 'unknown' };

/**
 * Opt-out, opt-in and help words that Twilio (and US carriers) answer themselves. Replying to them
 * as well would send the user two answers, and a reply after STOP is exactly what opt-out forbids.
 */
const CARRIER_KEYWORDS = new Set([
  'STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'CANCEL', 'REVOKE', 'OPTOUT',
  'START', 'YES', 'UNSTOP',
  'HELP', 'INFO',
]);

/**
 * The words each command starts with, as a cardholder types them (after `compact`). Help pages
 * and their tests read this table, so what is documented is what is parsed.
 */
export const SMS_KEYWORDS = {
  balance: ['BAL', 'CXYE', '余额'],
  mini: ['MINI', '明细'],
  language: ['LANG', '语言'],
  help: ['?', 'MENU', '帮助'],
} as const;
/** After a balance keyword: every card (the same as nothing after it). */
export const SMS_ALL_WORDS = ['ALL', '全部'] as const;

const startsWith = (words: readonly string[]) => new RegExp(`^(?:${words.join('|')})(.*)$`, 'u');
const HELP_WORDS = new Set<string>(SMS_KEYWORDS.help);
const BALANCE = startsWith(SMS_KEYWORDS.balance);
const MINI = startsWith(SMS_KEYWORDS.mini);
const LANGUAGE = startsWith(SMS_KEYWORDS.language);
const LAST4 = /^[0-9]{4}$/;
const ALL_WORDS = new Set<string>(SMS_ALL_WORDS);
const LANGUAGE_WORDS: Readonly<Record<string, SmsLanguage>> = {
  ZH: 'zh', CN: 'zh', CHINESE: 'zh', 中文: 'zh',
  EN: 'en', ENGLISH: 'en', 英文: 'en', 英语: 'en',
};

/**
 * Phones send full-width digits and U+3000 spaces from Chinese keyboards, and people type
 * "bal 0010", "BAL0010" or "余额 0010" alike: NFKC, drop every space, upper-case. The result must
 * still match a whole command, so the leniency can only turn a typo into the command it resembles.
 */
function compact(body: string): string {
  return body.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

export function isCarrierKeyword(body: string): boolean {
  // "Stop." and "STOP ALL" mean stop too; staying silent on them costs nothing.
  return CARRIER_KEYWORDS.has(compact(body).replace(/^[\p{P}]+|[\p{P}]+$/gu, ''));
}

const UNKNOWN: SmsCommand = { kind: 'unknown' };

export function parseSmsCommand(body: string): SmsCommand {
  if (isCarrierKeyword(body)) return UNKNOWN;
  const text = compact(body);
  if (HELP_WORDS.has(text)) return { kind: 'help' };

  const balance = BALANCE.exec(text);
  if (balance) {
    const rest = balance[1] ?? '';
    if (rest === '' || ALL_WORDS.has(rest)) return { kind: 'balance', card: 'all' };
    return LAST4.test(rest) ? { kind: 'balance', card: { last4: rest } } : UNKNOWN;
  }

  const mini = MINI.exec(text);
  if (mini) {
    const rest = mini[1] ?? '';
    if (rest === '') return { kind: 'mini', card: 'default' };
    return LAST4.test(rest) ? { kind: 'mini', card: { last4: rest } } : UNKNOWN;
  }

  const language = LANGUAGE.exec(text);
  if (language) {
    const word = language[1] ?? '';
    return Object.hasOwn(LANGUAGE_WORDS, word) ? { kind: 'language', language: LANGUAGE_WORDS[word] } : UNKNOWN;
  }
  return UNKNOWN;
}
