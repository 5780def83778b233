import { currencyExponent } from '#domain';
import { amountInEnglish, digitsInEnglish } from './amount-words.en.js';
import { amountInChinese, digitsInChinese } from './amount-words.zh.js';

export type SpeechLanguage = 'en' | 'zh';

/** An amount already split into a sign and whole major/minor parts: what each language reads. */
export interface SpokenAmount {
  readonly negative: boolean;
  readonly major: bigint;
  /** 0 ≤ minor < 100: only exponents 0 and 2 are spoken (cents, 角/分). */
  readonly minor: bigint;
  readonly currency: string;
}

interface Speaker {
  amount(amount: SpokenAmount): string;
  digits(digits: string): string;
}

const SPEAKERS: Readonly<Record<SpeechLanguage, Speaker>> = {
  en: { amount: amountInEnglish, digits: digitsInEnglish },
  zh: { amount: amountInChinese, digits: digitsInChinese },
};

/**
 * Chinese grouping stops at 万亿 (10^12) because 兆 means 10^6 or 10^12 depending on the region, so
 * the spoken range ends below 10^16 major units, far above any balance a ledger holds.
 */
export const MAX_SPOKEN_MAJOR = 10n ** 16n - 1n;

/**
 * An amount in integer minor units + ISO 4217 alpha code, as words for text-to-speech.
 * An unknown currency is a RangeError, not a guess: without its exponent, 1250 minor units could be
 * 12.50 or 1,250, and a wrong guess misstates a balance to the caller.
 */
export function amountInWords(minor: bigint, currency: string, language: SpeechLanguage): string {
  const speaker = speakerFor(language);
  const exponent = currencyExponent(currency);
  if (exponent !== 0 && exponent !== 2) {
    throw new RangeError(`no spoken form for ${currency}: minor units are read as hundredths only`);
  }
  const scale = 10n ** BigInt(exponent);
  const magnitude = minor < 0n ? -minor : minor;
  const major = magnitude / scale;
  if (major > MAX_SPOKEN_MAJOR) throw new RangeError(`an amount above ${MAX_SPOKEN_MAJOR} major units is not spoken`);
  return speaker.amount({ negative: minor < 0n, major, minor: magnitude % scale, currency });
}

/** Card digits spoken one by one, grouped by four as printed on a card so the caller can follow. */
export function digitsInWords(digits: string, language: SpeechLanguage): string {
  const speaker = speakerFor(language);
  // The digits are card data: the message must not echo them into logs.
  if (!/^\d+$/.test(digits)) throw new RangeError('digitsInWords takes a non-empty string of ASCII digits');
  return speaker.digits(digits);
}

function speakerFor(language: SpeechLanguage): Speaker {
  // The language often comes from IVR configuration, typed only by a cast.
  if (!Object.hasOwn(SPEAKERS, language)) throw new RangeError(`unsupported speech language ${String(language)}`);
  return SPEAKERS[language];
}

