/**
 * GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1), without ESC (0x1B): ESC only prefixes an
 * extension character and never stands for itself in text. The Greek capitals are escaped because
 * look-alikes (U+2206 INCREMENT, U+2126 OHM SIGN) are not in the alphabet.
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅå\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039EÆæßÉ' +
    ' !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table (§6.2.1.1): each costs ESC + the character, two septets. */
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentCount {
  readonly encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  readonly units: number;
  readonly segments: number;
}

/** Per segment: alone, and when split (the rest of 140 octets carries the concatenation header). */
const CAPACITY: Readonly<Record<SmsEncoding, { single: number; part: number }>> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM7_BASIC.has(ch) && !GSM7_EXTENSION.has(ch)) return false;
  return true;
}

export function smsSegments(text: string): SmsSegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  // Iterating by code point keeps an escape pair or a surrogate pair whole: phones cannot
  // rebuild either one if it straddles two parts, so a part ends early instead.
  const weights = Array.from(text, (ch) => (encoding === 'GSM-7' ? (GSM7_EXTENSION.has(ch) ? 2 : 1) : ch.length));
  const units = weights.reduce((sum, w) => sum + w, 0);
  const { single, part } = CAPACITY[encoding];
  if (units <= single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const w of weights) {
    if (used + w > part) {
      segments += 1;
      used = 0;
    }
    used += w;
  }
  return { encoding, units, segments };
}

/** Common typography that has a plain GSM-7 look-alike; everything else without one is dropped. */
const GSM7_LOOKALIKES: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2022': '*',
  '\u00B7': '.',
};

/**
 * Free text (a merchant name) made GSM-7, so one foreign character cannot switch a whole English
 * reply to UCS-2 and more than double its segment count. NFKC first folds full-width forms and
 * ligatures (Ａ→A, ￥→¥, …→...); accents outside the alphabet lose their mark (ā→a).
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKC')) {
    if (isGsm7(ch)) out += ch;
    else if (GSM7_LOOKALIKES[ch] !== undefined) out += GSM7_LOOKALIKES[ch];
    else if (/\s/u.test(ch)) out += ' ';
    else out += [...ch.normalize('NFD')].filter((c) => GSM7_BASIC.has(c)).join('');
  }
  return out;
}
