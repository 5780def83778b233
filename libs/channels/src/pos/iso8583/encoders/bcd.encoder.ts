import type { Encoder } from './encoder.js';

/** Track 2's separator: '=' in the API, nibble D on the wire ('D' is also accepted when packing). */
const SEPARATOR_NIBBLE = 0xd;

/**
 * Packed BCD, two digits per byte (jPOS IFB_NUMERIC). An odd number of digits is right-justified:
 * the first nibble is a 0 pad, and reading refuses any other pad so that pack(unpack(x)) is x.
 */
export const bcd: Encoder = {
  name: 'bcd',
  wireLength: (units) => Math.ceil(units / 2),
  encode: (value) => {
    const digits = value.length % 2 === 1 ? `0${value}` : value;
    const out = Buffer.alloc(digits.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = (nibble(digits[2 * i]) << 4) | nibble(digits[2 * i + 1]);
    return out;
  },
  decode: (bytes, units) => {
    let text = '';
    for (const byte of bytes) text += character(byte >> 4) + character(byte & 0x0f);
    if (units % 2 === 1) {
      if (text[0] !== '0') return undefined;
      text = text.slice(1);
    }
    return text.includes('?') ? undefined : text;
  },
};

function nibble(c: string | undefined): number {
  return c === '=' || c === 'D' ? SEPARATOR_NIBBLE : Number(c);
}

/** '?' marks a nibble that is neither a digit nor the separator (A-C, E, F). */
function character(n: number): string {
  if (n <= 9) return String(n);
  return n === SEPARATOR_NIBBLE ? '=' : '?';
}

/**
 * Packed BCD with an odd number of digits left-justified: the pad nibble comes last (jPOS
 * BCDInterpreter.RIGHT_PADDED, which ISO87BPackager uses for its LLNUM fields: PAN, track 2).
 * Packing pads with 0; reading takes 0 or F, the pad terminals use (RIGHT_PADDED_F), so an
 * F-padded field re-packs with 0 (the MAC is checked over the bytes as received).
 */
export const bcdRightPadded: Encoder = {
  name: 'bcd-right-padded',
  wireLength: (units) => Math.ceil(units / 2),
  encode: (value) => bcd.encode(value.length % 2 === 1 ? `${value}0` : value),
  decode: (bytes, units) => {
    if (units % 2 === 0 || bytes.length === 0) return bcd.decode(bytes, units);
    const last = bytes[bytes.length - 1] ?? 0;
    const pad = last & 0x0f;
    if (pad !== 0 && pad !== 0x0f) return undefined;
    const head = bcd.decode(bytes.subarray(0, bytes.length - 1), units - 1);
    const digit = character(last >> 4);
    return head === undefined || digit === '?' ? undefined : head + digit;
  },
};
