import { ascii } from '../encoders/ascii.encoder.js';
import { binary } from '../encoders/binary.encoder.js';
import { hexAscii } from '../encoders/hex-ascii.encoder.js';
import { variableField } from '../field-spec.js';
import { lengthPrefix } from '../length-prefix.js';
import type { MessageSpec } from '../message-spec.js';
import { iso87Fields } from './iso87-fields.js';

const fields = iso87Fields({ numeric: ascii, text: ascii, binary: hexAscii, LL: lengthPrefix.ascii.LL, LLL: lengthPrefix.ascii.LLL });

/**
 * The default POS profile, wire-compatible with jPOS ISO87APackager: the MTI, hex bitmaps, numeric
 * digits and LL/LLL lengths in ASCII; the fixed binary fields (52, 64, 128) as hex characters
 * (its IFA_BINARY). Field 55 is its IFA_LLLCHAR: the chip's bytes as they are, the LLL counting
 * them.
 */
export const ISO87A: MessageSpec = {
  name: 'ISO87A',
  mti: ascii,
  bitmap: 'hex',
  fields: { ...fields, 55: variableField('b', 255, lengthPrefix.ascii.LLL, binary, 'ICC data (EMV)') },
};
