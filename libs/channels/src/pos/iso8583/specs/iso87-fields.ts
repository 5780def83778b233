import type { Encoder } from '../encoders/encoder.js';
import { fixedField, variableField, type FieldSpec } from '../field-spec.js';
import type { LengthPrefix } from '../length-prefix.js';

/** The wire encodings a 1987 profile picks per kind of field; the field table is the same. */
export interface Iso87Encodings {
  readonly numeric: Encoder;
  readonly text: Encoder;
  readonly binary: Encoder;
  readonly LL: LengthPrefix;
  readonly LLL: LengthPrefix;
}

/**
 * The ISO 8583:1987 data elements a balance-inquiry gateway sees (formats as in moov-io's
 * Spec87ASCII and jPOS's ISO87 packagers). A profile that needs more fields spreads this table
 * and adds its own.
 */
export function iso87Fields(e: Iso87Encodings): Readonly<Partial<Record<number, FieldSpec>>> {
  return {
    2: variableField('n', 19, e.LL, e.numeric, 'Primary account number'),
    3: fixedField('n', 6, e.numeric, 'Processing code'),
    4: fixedField('n', 12, e.numeric, 'Amount, transaction'),
    7: fixedField('n', 10, e.numeric, 'Transmission date and time (MMDDhhmmss)'),
    11: fixedField('n', 6, e.numeric, 'System trace audit number'),
    12: fixedField('n', 6, e.numeric, 'Time, local transaction (hhmmss)'),
    13: fixedField('n', 4, e.numeric, 'Date, local transaction (MMDD)'),
    14: fixedField('n', 4, e.numeric, 'Date, expiration (YYMM)'),
    22: fixedField('n', 3, e.numeric, 'Point of service entry mode'),
    25: fixedField('n', 2, e.numeric, 'Point of service condition code'),
    35: variableField('z', 37, e.LL, e.numeric, 'Track 2 data'),
    37: fixedField('an', 12, e.text, 'Retrieval reference number'),
    38: fixedField('an', 6, e.text, 'Authorization identification response'),
    39: fixedField('an', 2, e.text, 'Response code'),
    41: fixedField('ans', 8, e.text, 'Card acceptor terminal identification'),
    42: fixedField('ans', 15, e.text, 'Card acceptor identification code'),
    48: variableField('ans', 999, e.LLL, e.text, 'Additional data, private'),
    49: fixedField('n', 3, e.numeric, 'Currency code, transaction'),
    52: fixedField('b', 8, e.binary, 'PIN data'),
    53: variableField('ans', 48, e.LL, e.text, 'Security related control information'),
    54: variableField('an', 120, e.LLL, e.text, 'Additional amounts'),
    55: variableField('b', 255, e.LLL, e.binary, 'ICC data (EMV)'),
    62: variableField('ans', 999, e.LLL, e.text, 'Reserved private'),
    64: fixedField('b', 8, e.binary, 'Message authentication code'),
    70: fixedField('n', 3, e.numeric, 'Network management information code'),
    90: fixedField('n', 42, e.numeric, 'Original data elements'),
    128: fixedField('b', 8, e.binary, 'Message authentication code (secondary)'),
  };
}
