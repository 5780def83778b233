import type { Encoder } from './encoders/encoder.js';
import { FIXED, type LengthPrefix } from './length-prefix.js';

/**
 * ISO 8583 data types: n digits; z track data (digits, '=' separator, 'D' as some terminals send
 * it); an letters, digits and space; ans printable ASCII; b binary (hex in the API).
 */
export type FieldType = 'n' | 'z' | 'an' | 'ans' | 'b';

export interface FieldSpec {
  readonly description: string;
  readonly type: FieldType;
  /** The fixed length, or the maximum of a variable field, in units (digits, characters, bytes for b). */
  readonly length: number;
  /** `FIXED` for a fixed-length field. */
  readonly prefix: LengthPrefix;
  readonly encoder: Encoder;
}

/** A fixed-length field: `fixedField('n', 6, ascii, 'STAN')`. */
export function fixedField(type: FieldType, length: number, encoder: Encoder, description: string): FieldSpec {
  return { description, type, length, prefix: FIXED, encoder };
}

/** A variable-length field: `variableField('n', 19, lengthPrefix.ascii.LL, ascii, 'PAN')`. */
export function variableField(type: FieldType, maxLength: number, prefix: LengthPrefix, encoder: Encoder, description: string): FieldSpec {
  return { description, type, length: maxLength, prefix, encoder };
}

export const isFixed = (field: FieldSpec): boolean => field.prefix.digits === 0;

const CHARACTER_SETS: Readonly<Record<FieldType, RegExp>> = {
  n: /^[0-9]*$/,
  z: /^[0-9=D]*$/,
  an: /^[A-Za-z0-9 ]*$/,
  ans: /^[\x20-\x7E]*$/,
  b: /^[0-9A-Fa-f]*$/,
};

export const inCharacterSet = (type: FieldType, value: string): boolean => CHARACTER_SETS[type].test(value);

/** The value's length in the field's units: bytes for a binary field (two hex characters each). */
export const unitsOf = (type: FieldType, value: string): number => (type === 'b' ? value.length / 2 : value.length);
