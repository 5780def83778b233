import type { Encoder } from './encoder.js';

/** One byte per character, 7-bit ASCII (jPOS IFA_*). Bytes above 0x7F are refused, not guessed. */
export const ascii: Encoder = {
  name: 'ascii',
  wireLength: (units) => units,
  encode: (value) => Buffer.from(value, 'latin1'),
  wireText: (value) => value,
  decode: (bytes) => (isSevenBit(bytes, 0, bytes.length) ? bytes.toString('latin1') : undefined),
  decodeRange: (frame, start, end) => (isSevenBit(frame, start, end) ? frame.toString('latin1', start, end) : undefined),
};

/** A plain loop: `Uint8Array.prototype.every` with a callback costs more than the decode itself. */
function isSevenBit(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return false;
  return true;
}
