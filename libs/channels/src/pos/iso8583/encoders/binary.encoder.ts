import type { Encoder } from './encoder.js';

/** Raw bytes (jPOS IFB_BINARY); the API value is their upper-case hex. */
export const binary: Encoder = {
  name: 'binary',
  wireLength: (units) => units,
  encode: (hex) => Buffer.from(hex, 'hex'),
  decode: (bytes) => bytes.toString('hex').toUpperCase(),
};
