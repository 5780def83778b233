import type { SpokenAmount } from './amount-words.js';

/**
 * How a currency's minor part is read: 角/分 digit by digit (CNY, HKD: 1.05 → 一元零五分), or the
 * whole hundredths as one number with its own unit (USD: 56 → 五十六美分), as Mandarin speakers do.
 */
type MinorReading = { readonly kind: 'jiao-fen' } | { readonly kind: 'hundredths'; readonly unit: string };

interface CurrencyUnits {
  readonly major: string;
  /** Absent for a currency with no minor unit (exponent 0). */
  readonly minor?: MinorReading;
}

const JIAO_FEN: MinorReading = { kind: 'jiao-fen' };
const CURRENCIES: Readonly<Record<string, CurrencyUnits>> = {
  CNY: { major: '元', minor: JIAO_FEN },
  USD: { major: '美元', minor: { kind: 'hundredths', unit: '美分' } },
  EUR: { major: '欧元', minor: { kind: 'hundredths', unit: '欧分' } },
  GBP: { major: '英镑', minor: { kind: 'hundredths', unit: '便士' } },
  HKD: { major: '港元', minor: JIAO_FEN },
  JPY: { major: '日元' },
};

// 一, not 幺 (the yāo of phone lines, said to keep 1 apart from 七): kept plain; change it here if callers mishear.
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;
const PLACES = ['千', '百', '十', ''] as const;
/** Sections of four digits, lowest first; the fourth counts 万 of 亿 (see sectionUnit). */
const SECTION_UNITS = ['', '万', '亿', '万'] as const;

export function amountInChinese({ negative, major, minor, currency }: SpokenAmount): string {
  const units = CURRENCIES[currency];
  if (!units) throw new RangeError(`no Chinese units for currency ${currency}`);
  let words = major > 0n || minor === 0n ? `${numberInChinese(major)}${units.major}` : '';
  if (minor > 0n) {
    if (!units.minor) throw new RangeError(`${currency} has no minor unit to speak`);
    words += units.minor.kind === 'hundredths' ? `${numberInChinese(minor)}${units.minor.unit}` : jiaoFen(minor, words !== '');
  }
  return `${negative ? '负' : ''}${words}`;
}

export function digitsInChinese(digits: string): string {
  return (digits.match(/\d{1,4}/g) ?? []).map((group) => [...group].map((d) => DIGITS[Number(d)]).join('')).join('，');
}

/** 1.05 → 零五分 after 一元 (the missing 角 is spoken as 零); 0.05 → 五分; 0.50 → 五角, no trailing 零分. */
function jiaoFen(minor: bigint, afterYuan: boolean): string {
  const jiao = minor / 10n;
  const fen = minor % 10n;
  let words = jiao > 0n ? `${DIGITS[Number(jiao)]}角` : afterYuan ? '零' : '';
  if (fen > 0n) words += `${DIGITS[Number(fen)]}分`;
  return words;
}

/**
 * 万-grouped Mandarin number. Choices, as heard in everyday speech and bank IVRs:
 * - 两 for a 2 that directly counts 千, 万, 亿 or 万亿 (两千, 两万, 两亿, 一万两千, 两千万);
 *   二 everywhere else (二十, 二百, 十二万, 二元, 二角): 二千/二万 are correct but sound read off a page.
 * - 十, not 一十, when 10–19 opens the number (十元, 十五万); inside it, 一十 (一百一十, 一万零一十).
 * - One 零 for each run of zeros between non-zero digits that starts a section or spans one
 *   (一千零五, 一亿零一万, 一亿零一千); zeros closing a section are silent (一千万一千).
 */
function numberInChinese(n: bigint): string {
  if (n === 0n) return DIGITS[0];
  const text = n.toString();
  const sections = (('0'.repeat((4 - (text.length % 4)) % 4) + text).match(/\d{4}/g) ?? []).reverse();
  if (sections.length > SECTION_UNITS.length) throw new RangeError('a number beyond 万亿 is not spoken');
  let words = '';
  let zeroPending = false;
  for (let i = sections.length - 1; i >= 0; i--) {
    const section = sections[i];
    if (section === '0000') {
      zeroPending = words !== '';
      continue;
    }
    if (words !== '' && (zeroPending || section.startsWith('0'))) words += DIGITS[0];
    words += sectionInChinese(section, words === '', i > 0) + sectionUnit(sections, i);
    zeroPending = false;
  }
  return words;
}

/**
 * 10^12 and up count 亿 in 万 (一万零一亿, 两万三千亿), the way 亿 is said; when the 亿 section is
 * silent the 万 carries it (一万亿, 一万亿零五). 万亿 rather than 兆, whose meaning varies by region.
 */
function sectionUnit(sections: readonly string[], i: number): string {
  return i === 3 && sections[2] === '0000' ? '万亿' : SECTION_UNITS[i];
}

function sectionInChinese(section: string, opensNumber: boolean, countsAUnit: boolean): string {
  let words = '';
  let zeroPending = false;
  for (let place = 0; place < PLACES.length; place++) {
    const digit = Number(section[place]);
    if (digit === 0) {
      zeroPending = words !== '';
      continue;
    }
    if (zeroPending) words += DIGITS[0];
    zeroPending = false;
    const bareTen = digit === 1 && PLACES[place] === '十' && opensNumber && words === '';
    const liang = digit === 2 && (PLACES[place] === '千' || (countsAUnit && section === '0002'));
    words += (bareTen ? '' : liang ? '两' : DIGITS[digit]) + PLACES[place];
  }
  return words;
}
