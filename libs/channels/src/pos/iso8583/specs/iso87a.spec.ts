import { ascii } from '../encoders/ascii.encoder.js';
import { hexAscii } from '../encoders/hex-ascii.encoder.js';
import { lengthPrefix } from '../length-prefix.js';
import type { MessageSpec } from '../message-spec.js';
import { iso87Fields } from './iso87-fields.js';

/**
 * The default POS profile, wire-compatible with jPOS ISO87APackager: everything is ASCII — the
 * MTI, hex bitmaps, numeric digits, LL/LLL lengths — and binary fields travel as hex characters.
 */
export const ISO87A: MessageSpec = {
  name: 'ISO87A',
  mti: ascii,
  bitmap: 'hex',
  fields: iso87Fields({ numeric: ascii, text: ascii, binary: hexAscii, LL: lengthPrefix.ascii.LL, LLL: lengthPrefix.ascii.LLL }),
};
