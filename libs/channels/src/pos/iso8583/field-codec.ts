import type { ByteReader } from './byte-reader.js';
import { inCharacterSet, isFixed, unitsOf, type FieldSpec, type FieldType } from './field-spec.js';
import { Iso8583Error, type Iso8583ErrorCode } from './iso8583.error.js';

/** Digits-only types report NON_NUMERIC; the others report BAD_CHARACTER. */
const charsetCode = (type: FieldType): Iso8583ErrorCode => (type === 'n' || type === 'z' ? 'NON_NUMERIC' : 'BAD_CHARACTER');

/** Fixed an/ans fields are left-justified and space-filled (ISO 8583 and jPOS IFA_CHAR agree). */
const isSpacePadded = (field: FieldSpec): boolean => isFixed(field) && (field.type === 'an' || field.type === 'ans');

/**
 * One field's bytes: length prefix (if variable) and encoded value. `offset` is where the field
 * starts in the frame being built, for the error. A fixed numeric or binary value of the wrong
 * length is refused rather than padded: a short amount or PIN block is a caller bug, and guessing
 * its padding would send a different amount (callers who mean it use `padNumeric`).
 */
export function packField(number: number, field: FieldSpec, value: string, offset: number): Buffer {
  const units = checkForPacking(number, field, value, offset);
  if (!isFixed(field)) return Buffer.concat([field.prefix.encode(units), field.encoder.encode(value)]);
  return field.encoder.encode(units === field.length ? value : value.padEnd(field.length, ' '));
}

/**
 * `packField`'s bytes as the string whose latin1 bytes they are, when the field's encoder and
 * prefix are text on the wire (ASCII profiles); undefined otherwise. Same checks, same errors.
 */
export function packFieldText(number: number, field: FieldSpec, value: string, offset: number): string | undefined {
  const { encoder, prefix } = field;
  if (!encoder.wireText || !prefix.text) return undefined;
  const units = checkForPacking(number, field, value, offset);
  if (!isFixed(field)) return prefix.text(units) + encoder.wireText(value);
  return encoder.wireText(units === field.length ? value : value.padEnd(field.length, ' '));
}

/** The value's units once it is known to fit the field (a short fixed value only if space-padded). */
function checkForPacking(number: number, field: FieldSpec, value: string, offset: number): number {
  const fail = (code: Iso8583ErrorCode, expected?: number, actual?: number): Iso8583Error =>
    new Iso8583Error(code, 'pack', { field: number, offset, expected, actual });

  if (!inCharacterSet(field.type, value)) throw fail(charsetCode(field.type));
  if (field.type === 'b' && value.length % 2 === 1) throw fail('BAD_LENGTH');
  const units = unitsOf(field.type, value);
  if (units > field.length) throw fail('FIELD_TOO_LONG', field.length, units);
  if (isFixed(field) && units !== field.length && !isSpacePadded(field)) throw fail('BAD_LENGTH', field.length, units);
  return units;
}

/**
 * Reads one field at the reader's position. Fixed an/ans values come back without their trailing
 * spaces: packing adds exactly those back, so the round trip stays byte for byte.
 */
export function unpackField(number: number, field: FieldSpec, reader: ByteReader): string {
  const fail = (code: Iso8583ErrorCode, offset: number, expected?: number, actual?: number): Iso8583Error =>
    new Iso8583Error(code, 'unpack', { field: number, offset, expected, actual });

  let units = field.length;
  if (!isFixed(field)) {
    const prefixOffset = reader.offset;
    const length = field.prefix.decode(reader.take(field.prefix.size, number));
    if (length === undefined) throw fail('BAD_LENGTH', prefixOffset);
    if (length > field.length) throw fail('FIELD_TOO_LONG', prefixOffset, field.length, length);
    units = length;
  }

  const dataOffset = reader.offset;
  const wire = field.encoder.wireLength(units);
  const encoder = field.encoder;
  const value = encoder.decodeRange
    ? encoder.decodeRange(reader.frame, reader.skip(wire, number), dataOffset + wire, units)
    : encoder.decode(reader.take(wire, number), units);
  if (value === undefined || !inCharacterSet(field.type, value)) throw fail(charsetCode(field.type), dataOffset);
  // The value is in its character set, where a space is the only white space: trimEnd is the pad.
  return isSpacePadded(field) && value.endsWith(' ') ? value.trimEnd() : value;
}
