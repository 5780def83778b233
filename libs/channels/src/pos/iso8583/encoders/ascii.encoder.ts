import type { Encoder } from './encoder.js';

/** One byte per character, 7-bit ASCII (jPOS IFA_*). Bytes above 0x7F are refused, not guessed. */
export const ascii: Encoder = {
  name: 'ascii',
  wireLength: (units) => units,
  encode: (value) => Buffer.from(value, 'latin1'),
  decode: (bytes) => (bytes.every((b) => b < 0x80) ? bytes.toString('latin1') : undefined),
};
