import type { Encoder } from './encoder.js';

const HEX = /^[0-9A-Fa-f]*$/;

/**
 * Binary data written as hex characters (jPOS IFA_BINARY, moov BytesToASCIIHex): 8 bytes of PIN
 * block travel as 16 ASCII characters. Packs upper case; lower case is accepted when reading
 * (terminals send both) and returned upper case, the API's canonical form.
 */
export const hexAscii: Encoder = {
  name: 'hex-ascii',
  wireLength: (units) => units * 2,
  encode: (hex) => Buffer.from(hex.toUpperCase(), 'latin1'),
  wireText: (hex) => hex.toUpperCase(),
  decode: (bytes) => {
    const text = bytes.toString('latin1');
    return HEX.test(text) ? text.toUpperCase() : undefined;
  },
};
