import { ascii } from '../encoders/ascii.encoder.js';
import { bcd } from '../encoders/bcd.encoder.js';
import { binary } from '../encoders/binary.encoder.js';
import { lengthPrefix } from '../length-prefix.js';
import type { MessageSpec } from '../message-spec.js';
import { iso87Fields } from './iso87-fields.js';

/**
 * The binary POS profile, like jPOS ISO87BPackager: MTI and numeric fields in BCD (odd lengths
 * with a leading 0 nibble), 8-byte binary bitmaps, BCD lengths (LL 1 byte, LLL 2 bytes), binary
 * fields as raw bytes, text fields in ASCII.
 */
export const ISO87B: MessageSpec = {
  name: 'ISO87B',
  mti: bcd,
  bitmap: 'binary',
  fields: iso87Fields({ numeric: bcd, text: ascii, binary, LL: lengthPrefix.bcd.LL, LLL: lengthPrefix.bcd.LLL }),
};
