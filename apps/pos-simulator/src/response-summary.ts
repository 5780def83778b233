import { maskPanDigits } from '#domain';
import type { Iso8583Message, Iso8583MessageInput } from '../../../libs/channels/src/pos/iso8583/index.js';

/** Field 39 as Saldo answers it. */
export const RESPONSE_MEANINGS: Readonly<Record<string, string>> = {
  '00': 'approved',
  '14': 'unknown card',
  '15': 'no such issuer',
  '30': 'format error',
  '54': 'expired card',
  '55': 'wrong PIN',
  '57': 'not permitted for this card',
  '58': 'not permitted for this terminal',
  '62': 'card blocked',
  '63': 'security violation (MAC)',
  '65': 'rate limited',
  '75': 'PIN tries exceeded',
  '91': 'issuer unavailable',
  '94': 'duplicate transmission',
  '96': 'system error',
};

const ACCOUNT_TYPES: Readonly<Record<string, string>> = { '00': 'default', '10': 'savings', '20': 'checking', '30': 'credit' };
const AMOUNT_TYPES: Readonly<Record<string, string>> = { '01': 'ledger', '02': 'available' };
/** ISO 4217 numeric → alpha code and minor-unit exponent. */
const CURRENCIES: Readonly<Record<string, { alpha: string; exponent: number }>> = {
  '840': { alpha: 'USD', exponent: 2 },
  '156': { alpha: 'CNY', exponent: 2 },
  '978': { alpha: 'EUR', exponent: 2 },
  '826': { alpha: 'GBP', exponent: 2 },
  '344': { alpha: 'HKD', exponent: 2 },
  '392': { alpha: 'JPY', exponent: 0 },
};
const AMOUNT_ENTRY = /^(\d{2})(\d{2})(\d{3})([CD0])(\d{12})$/;

export interface BalanceLine {
  /** 'savings', 'checking', ... or the raw code when unknown. */
  readonly account: string;
  /** 'available', 'ledger', or the raw amount type. */
  readonly amountType: string;
  /** Alpha code, or the numeric code when unknown. */
  readonly currency: string;
  /** Signed minor units, as a decimal string (JSON has no bigint). */
  readonly minor: string;
  /** e.g. "USD 1,234.56". */
  readonly formatted: string;
}

export interface ResponseSummary {
  readonly mti: string;
  readonly responseCode: string | undefined;
  readonly meaning: string;
  readonly approved: boolean;
  readonly stan: string | undefined;
  readonly rrn: string | undefined;
  /** First 6 and last 4 digits only. */
  readonly card: string | undefined;
  readonly balances: readonly BalanceLine[];
  /** Field 54 entries this simulator could not read (count only: the text is the host's). */
  readonly unreadableAmounts: number;
}

/** The answer as data; the card comes from the response, else from the request, always masked. */
export function summariseResponse(response: Iso8583Message, request?: Iso8583MessageInput): ResponseSummary {
  const code = response.fields.get(39);
  const { lines, unreadable } = readAdditionalAmounts(response.fields.get(54) ?? '');
  return {
    mti: response.mti,
    responseCode: code,
    meaning: code === undefined ? 'no response code' : (RESPONSE_MEANINGS[code] ?? 'unknown response code'),
    approved: code === '00',
    stan: response.fields.get(11),
    rrn: response.fields.get(37),
    card: maskedCard(response.fields) ?? (request ? maskedCard(request.fields) : undefined),
    balances: lines,
    unreadableAmounts: unreadable,
  };
}

/** The answer for a person: code and meaning, masked card, one line per balance. */
export function describeResponse(response: Iso8583Message, request?: Iso8583MessageInput): string {
  const s = summariseResponse(response, request);
  const lines = [`${s.mti} ${s.responseCode ?? '--'} ${s.meaning}`];
  if (s.card) lines.push(`card      ${s.card}`);
  if (s.rrn) lines.push(`RRN       ${s.rrn}`);
  if (s.stan) lines.push(`STAN      ${s.stan}`);
  for (const b of s.balances) lines.push(`${b.account.padEnd(9)} ${b.amountType.padEnd(9)} ${b.formatted.padStart(20)}`);
  if (s.unreadableAmounts > 0) lines.push(`(${s.unreadableAmounts} field 54 entries not understood)`);
  return lines.join('\n');
}

/**
 * Field 54: 20-character entries — account type (2), amount type (2, 01 ledger, 02 available),
 * ISO 4217 numeric currency (3), sign C/D (1; some hosts send 0 for credit), 12-digit minor units.
 */
export function readAdditionalAmounts(field54: string): { lines: BalanceLine[]; unreadable: number } {
  const lines: BalanceLine[] = [];
  let unreadable = 0;
  for (let i = 0; i < field54.length; i += 20) {
    const match = AMOUNT_ENTRY.exec(field54.slice(i, i + 20));
    if (!match) {
      unreadable++;
      continue;
    }
    const [, account, amountType, currencyCode, sign, digits] = match;
    const minor = sign === 'D' ? -BigInt(digits) : BigInt(digits);
    const currency = CURRENCIES[currencyCode];
    lines.push({
      account: ACCOUNT_TYPES[account] ?? `account ${account}`,
      amountType: AMOUNT_TYPES[amountType] ?? `amount ${amountType}`,
      currency: currency?.alpha ?? currencyCode,
      minor: minor.toString(),
      formatted: currency ? `${currency.alpha} ${formatMinor(minor, currency.exponent)}` : `${minor} minor units of currency ${currencyCode}`,
    });
  }
  return { lines, unreadable };
}

/** 123456n, 2 → "1,234.56"; grouping by thousands, a leading minus for debit balances. */
export function formatMinor(minor: bigint, exponent: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+$)/g, ',');
  const fraction = exponent > 0 ? `.${digits.slice(-exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Field 2, else the PAN of track 2 (field 35), masked; nothing else of the track is kept. */
function maskedCard(fields: ReadonlyMap<number, string>): string | undefined {
  const pan = fields.get(2) ?? fields.get(35)?.split(/[=D]/)[0];
  return pan ? maskPanDigits(pan) : undefined;
}
