import { ascii } from '../encoders/ascii.encoder.js';
import { bcd, bcdRightPadded } from '../encoders/bcd.encoder.js';
import { binary } from '../encoders/binary.encoder.js';
import { fixedField, variableField } from '../field-spec.js';
import { lengthPrefix } from '../length-prefix.js';
import type { MessageSpec } from '../message-spec.js';
import { iso87Fields } from './iso87-fields.js';

const fields = iso87Fields({ numeric: bcd, text: ascii, binary, LL: lengthPrefix.bcd.LL, LLL: lengthPrefix.bcd.LLL });

/**
 * The binary POS profile, as jPOS ISO87BPackager lays it out: MTI and fixed numeric fields in BCD
 * (odd lengths with a leading 0 nibble), the LLNUM fields (PAN, track 2) in BCD with a trailing
 * 0 nibble, currency codes as 3 ASCII characters (its IF_CHAR), 8-byte binary bitmaps, BCD lengths
 * (LL 1 byte, LLL 2 bytes), binary fields as raw bytes, text fields in ASCII.
 */
export const ISO87B: MessageSpec = {
  name: 'ISO87B',
  mti: bcd,
  bitmap: 'binary',
  fields: {
    ...fields,
    2: variableField('n', 19, lengthPrefix.bcd.LL, bcdRightPadded, 'Primary account number'),
    35: variableField('z', 37, lengthPrefix.bcd.LL, bcdRightPadded, 'Track 2 data'),
    49: fixedField('n', 3, ascii, 'Currency code, transaction'),
  },
};
