import type { SpokenAmount } from './amount-words.js';

interface Names {
  readonly one: string;
  readonly many: string;
}

interface CurrencyNames {
  readonly major: Names;
  /** Absent for a currency with no minor unit (exponent 0). */
  readonly minor?: Names;
}

const CURRENCIES: Readonly<Record<string, CurrencyNames>> = {
  USD: { major: { one: 'dollar', many: 'dollars' }, minor: { one: 'cent', many: 'cents' } },
  // Yuan and fen have no English plural.
  CNY: { major: { one: 'yuan', many: 'yuan' }, minor: { one: 'fen', many: 'fen' } },
  EUR: { major: { one: 'euro', many: 'euros' }, minor: { one: 'cent', many: 'cents' } },
  GBP: { major: { one: 'pound', many: 'pounds' }, minor: { one: 'penny', many: 'pence' } },
  // "Hong Kong" keeps a caller with several accounts from hearing an HKD balance as US dollars.
  HKD: { major: { one: 'Hong Kong dollar', many: 'Hong Kong dollars' }, minor: { one: 'cent', many: 'cents' } },
  JPY: { major: { one: 'yen', many: 'yen' } },
};

const SMALL = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'];

export function amountInEnglish({ negative, major, minor, currency }: SpokenAmount): string {
  const names = CURRENCIES[currency];
  if (!names) throw new RangeError(`no English names for currency ${currency}`);
  const parts: string[] = [];
  if (major > 0n || minor === 0n) parts.push(counted(major, names.major));
  if (minor > 0n) {
    if (!names.minor) throw new RangeError(`${currency} has no minor unit to speak`);
    parts.push(counted(minor, names.minor));
  }
  return `${negative ? 'minus ' : ''}${parts.join(' and ')}`;
}

export function digitsInEnglish(digits: string): string {
  return (digits.match(/\d{1,4}/g) ?? []).map((group) => [...group].map((d) => SMALL[Number(d)]).join(' ')).join(', ');
}

function counted(n: bigint, names: Names): string {
  return `${numberInEnglish(n)} ${n === 1n ? names.one : names.many}`;
}

/** American style: no "and" inside a number ("one hundred one"), 21–99 hyphenated. */
function numberInEnglish(n: bigint): string {
  if (n === 0n) return SMALL[0];
  const groups: string[] = [];
  for (let scale = 0; n > 0n; scale++, n /= 1000n) {
    const group = n % 1000n;
    if (group === 0n) continue;
    if (scale >= SCALES.length) throw new RangeError('a number beyond the quadrillions is not spoken');
    groups.unshift(SCALES[scale] ? `${belowThousand(group)} ${SCALES[scale]}` : belowThousand(group));
  }
  return groups.join(' ');
}

function belowThousand(n: bigint): string {
  const words: string[] = [];
  if (n >= 100n) words.push(`${SMALL[Number(n / 100n)]} hundred`);
  if (n % 100n > 0n) words.push(belowHundred(n % 100n));
  return words.join(' ');
}

function belowHundred(n: bigint): string {
  if (n < 20n) return SMALL[Number(n)];
  const tens = TENS[Number(n / 10n)];
  return n % 10n === 0n ? tens : `${tens}-${SMALL[Number(n % 10n)]}`;
}
