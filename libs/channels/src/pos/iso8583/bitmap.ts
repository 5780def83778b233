import type { ByteReader } from './byte-reader.js';
import { Iso8583Error } from './iso8583.error.js';
import type { BitmapEncoding } from './message-spec.js';

const BITMAP_BYTES = 8;
const HEX = /^[0-9A-Fa-f]{16}$/;

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

export function encodeBitmap(encoding: BitmapEncoding, bits: Buffer): Buffer {
  return encoding === 'binary' ? Buffer.from(bits) : Buffer.from(bits.toString('hex').toUpperCase(), 'latin1');
}

/**
 * Reads the primary bitmap and, when bit 1 is set, the secondary one; returns 16 bytes of bits.
 * A secondary bitmap with no bit set is refused: packing would drop it, so it is not a frame
 * this codec can answer byte for byte, and no 1987 network sends one.
 */
export function readBitmap(encoding: BitmapEncoding, reader: ByteReader): Buffer {
  const bits = Buffer.alloc(2 * BITMAP_BYTES);
  readOne(encoding, reader).copy(bits, 0);
  if (isSet(bits, 1)) {
    const offset = reader.offset;
    const secondary = readOne(encoding, reader);
    if (secondary.every((b) => b === 0)) throw new Iso8583Error('BAD_BITMAP', 'unpack', { offset });
    secondary.copy(bits, BITMAP_BYTES);
  }
  return bits;
}

function readOne(encoding: BitmapEncoding, reader: ByteReader): Buffer {
  if (encoding === 'binary') return reader.take(BITMAP_BYTES);
  const offset = reader.offset;
  const text = reader.take(2 * BITMAP_BYTES).toString('latin1');
  if (!HEX.test(text)) throw new Iso8583Error('BAD_BITMAP', 'unpack', { offset });
  return Buffer.from(text, 'hex');
}
