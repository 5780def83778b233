import { bcd } from './encoders/bcd.encoder.js';
import { ebcdic } from './encoders/ebcdic.encoder.js';

/**
 * The length in front of a variable field (moov-io's prefixers, jPOS's LL/LLL). It counts units
 * (digits, characters, or bytes for binary fields), never wire bytes: an LL BCD PAN of 19 digits
 * has the prefix 0x19 and 10 data bytes.
 */
export interface LengthPrefix {
  readonly name: string;
  /** 0 for a fixed-length field, else the decimal digits of the length (2 = LL, 3 = LLL). */
  readonly digits: 0 | 2 | 3;
  /** Bytes the prefix takes on the wire. */
  readonly size: number;
  encode(length: number): Buffer;
  /** For prefixes whose wire bytes are the latin1 bytes of a string: that string (optional, as `Encoder.wireText`). */
  text?(length: number): string;
  /** The length, or undefined when the bytes are not a length in this encoding. */
  decode(bytes: Buffer): number | undefined;
}

type Digits = 2 | 3;

const DIGITS = /^[0-9]+$/;
const parseDigits = (text: string | undefined): number | undefined => (text !== undefined && DIGITS.test(text) ? Number(text) : undefined);
/** ASCII digits read from the bytes themselves (no string, no regular expression): the hot path's every variable field. */
const asciiDigits = (bytes: Buffer): number | undefined => {
  if (bytes.length === 0) return undefined;
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const d = bytes[i] - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
};
const decimal = (length: number, digits: Digits): string => String(length).padStart(digits, '0');

/** No prefix: the spec's length is the field's length. */
export const FIXED: LengthPrefix = { name: 'fixed', digits: 0, size: 0, encode: () => Buffer.alloc(0), text: () => '', decode: () => undefined };

/** "LL"/"LLL" as ASCII digits (jPOS IFA_LLCHAR, IFA_LLLCHAR). */
function asciiPrefix(digits: Digits): LengthPrefix {
  return {
    name: `ascii-${'L'.repeat(digits)}`,
    digits,
    size: digits,
    encode: (length) => Buffer.from(decimal(length, digits), 'latin1'),
    text: (length) => decimal(length, digits),
    decode: asciiDigits,
  };
}

/** BCD digits, right-justified: LL in 1 byte, LLL in 2 bytes (jPOS IFB_LLNUM, IFB_LLLCHAR). */
function bcdPrefix(digits: Digits): LengthPrefix {
  return {
    name: `bcd-${'L'.repeat(digits)}`,
    digits,
    size: bcd.wireLength(digits),
    encode: (length) => bcd.encode(decimal(length, digits)),
    decode: (bytes) => parseDigits(bcd.decode(bytes, digits)),
  };
}

/** A big-endian binary count: LL in 1 byte, LLL in 2 bytes (jPOS IFB_LLHBINARY style). */
function binaryPrefix(digits: Digits): LengthPrefix {
  const size = digits === 2 ? 1 : 2;
  return {
    name: `binary-${'L'.repeat(digits)}`,
    digits,
    size,
    encode: (length) => {
      const out = Buffer.alloc(size);
      out.writeUIntBE(length, 0, size);
      return out;
    },
    decode: (bytes) => bytes.readUIntBE(0, size),
  };
}

/** EBCDIC digits F0-F9 (jPOS IFE_LLCHAR). */
function ebcdicPrefix(digits: Digits): LengthPrefix {
  return {
    name: `ebcdic-${'L'.repeat(digits)}`,
    digits,
    size: digits,
    encode: (length) => ebcdic.encode(decimal(length, digits)),
    decode: (bytes) => parseDigits(ebcdic.decode(bytes, digits)),
  };
}

export const lengthPrefix = {
  fixed: FIXED,
  ascii: { LL: asciiPrefix(2), LLL: asciiPrefix(3) },
  bcd: { LL: bcdPrefix(2), LLL: bcdPrefix(3) },
  binary: { LL: binaryPrefix(2), LLL: binaryPrefix(3) },
  ebcdic: { LL: ebcdicPrefix(2), LLL: ebcdicPrefix(3) },
} as const;
