import type { ByteReader } from './byte-reader.js';
import { Iso8583Error } from './iso8583.error.js';
import type { BitmapEncoding } from './message-spec.js';

const BITMAP_BYTES = 8;

/** Bit n (1-based, most significant bit of the first byte is bit 1) of a 16-byte bitmap pair. */
export const isSet = (bits: Buffer, n: number): boolean => ((bits[(n - 1) >> 3] ?? 0) & (0x80 >> ((n - 1) & 7))) !== 0;

/**
 * The bitmaps for a set of field numbers 2-128: primary only when every field is <= 64, else
 * primary with bit 1 set plus secondary. Bit 1 follows from the fields, never from the caller.
 */
export function buildBitmap(fieldNumbers: Iterable<number>): Buffer {
  const bits = Buffer.alloc(2 * BITMAP_BYTES);
  let secondary = false;
  for (const n of fieldNumbers) {
    bits[(n - 1) >> 3] |= 0x80 >> ((n - 1) & 7);
    if (n > 64) secondary = true;
  }
  if (!secondary) return bits.subarray(0, BITMAP_BYTES);
  bits[0] |= 0x80;
  return bits;
}

const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');

export function encodeBitmap(encoding: BitmapEncoding, bits: Buffer): Buffer {
  if (encoding === 'binary') return Buffer.from(bits);
  const out = Buffer.allocUnsafe(2 * bits.length);
  for (let i = 0; i < bits.length; i++) {
    out[2 * i] = HEX_DIGITS[bits[i] >> 4];
    out[2 * i + 1] = HEX_DIGITS[bits[i] & 0x0f];
  }
  return out;
}

/**
 * Reads the primary bitmap and, when bit 1 is set, the secondary one; returns 16 bytes of bits.
 * A secondary bitmap with no bit set is refused: packing would drop it, so it is not a frame
 * this codec can answer byte for byte, and no 1987 network sends one.
 */
export function readBitmap(encoding: BitmapEncoding, reader: ByteReader): Buffer {
  const bits = Buffer.alloc(2 * BITMAP_BYTES);
  readOne(encoding, reader, bits, 0);
  if (isSet(bits, 1)) {
    const offset = reader.offset;
    readOne(encoding, reader, bits, BITMAP_BYTES);
    if (!anyBit(bits, BITMAP_BYTES)) throw new Iso8583Error('BAD_BITMAP', 'unpack', { offset });
  }
  return bits;
}

/** One bitmap into `bits` at `at`: 8 raw bytes, or 16 hex characters read digit by digit (no string). */
function readOne(encoding: BitmapEncoding, reader: ByteReader, bits: Buffer, at: number): void {
  if (encoding === 'binary') {
    reader.take(BITMAP_BYTES).copy(bits, at);
    return;
  }
  const offset = reader.offset;
  const text = reader.take(2 * BITMAP_BYTES);
  for (let i = 0; i < BITMAP_BYTES; i++) {
    const high = hexValue(text[2 * i]);
    const low = hexValue(text[2 * i + 1]);
    if (high < 0 || low < 0) throw new Iso8583Error('BAD_BITMAP', 'unpack', { offset });
    bits[at + i] = (high << 4) | low;
  }
}

/** 0-15 for an ASCII hex digit (either case), else -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

function anyBit(bits: Buffer, from: number): boolean {
  for (let i = from; i < bits.length; i++) if (bits[i] !== 0) return true;
  return false;
}
