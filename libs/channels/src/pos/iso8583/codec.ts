import { buildBitmap, encodeBitmap, isSet, readBitmap } from './bitmap.js';
import { ByteReader } from './byte-reader.js';
import { packField, packFieldText, unpackField } from './field-codec.js';
import { isFixed, type FieldSpec } from './field-spec.js';
import { Iso8583Error } from './iso8583.error.js';
import type { Iso8583Message, Iso8583MessageInput, MessageSpec } from './message-spec.js';

const MTI = /^[0-9]{4}$/;
const LAST_FIELD = 128;

/** A message's bytes with where each field starts, so `macInput` can cut before the MAC. */
interface Packed {
  readonly bytes: Buffer;
  readonly fieldOffsets: ReadonlyMap<number, number>;
}

/** The frame for a message (without any TCP length header: framing is the connection's job). */
export function pack(spec: MessageSpec, message: Iso8583MessageInput): Buffer {
  return packWithOffsets(spec, message).bytes;
}

/** Reads one whole message; every byte must belong to it. Throws `Iso8583Error` only. */
export function unpack(spec: MessageSpec, bytes: Buffer): Iso8583Message {
  const read = unpackPartial(spec, bytes);
  if (read.error) throw read.error;
  return { mti: read.mti, fields: read.fields };
}

/** What could be read of a frame: enough of a bad one to answer it (its MTI, STAN, terminal id). */
export type PartialMessage =
  | { readonly mti: string; readonly fields: Map<number, string>; readonly error?: undefined }
  | { readonly mti: string | undefined; readonly fields: Map<number, string>; readonly error: Iso8583Error };

/**
 * Reads fields in order until the first one that fails, and returns those read with the error
 * (which, like every codec error, holds positions and lengths, never content).
 */
export function unpackPartial(spec: MessageSpec, bytes: Buffer): PartialMessage {
  const fields = new Map<number, string>();
  let mti: string | undefined;
  try {
    const reader = new ByteReader(bytes);
    const decoded = spec.mti.decode(reader.take(spec.mti.wireLength(4)), 4);
    if (decoded === undefined || !MTI.test(decoded)) throw new Iso8583Error('BAD_MTI', 'unpack', { offset: 0 });
    mti = decoded;
    const bits = readBitmap(spec.bitmap, reader);
    for (let n = 2; n <= LAST_FIELD; n++) {
      if (!isSet(bits, n)) continue;
      const field = spec.fields[n];
      if (field === undefined) throw new Iso8583Error('UNKNOWN_FIELD', 'unpack', { field: n, offset: reader.offset });
      fields.set(n, unpackField(n, field, reader));
    }
    if (reader.remaining > 0) {
      throw new Iso8583Error('TRAILING_BYTES', 'unpack', { offset: reader.offset, actual: reader.remaining });
    }
    return { mti, fields };
  } catch (err) {
    if (!(err instanceof Iso8583Error)) throw err;
    return { mti, fields, error: err };
  }
}

/** The MAC field of a message: 128 when any field needs the secondary bitmap, else 64. */
export function macFieldOf(message: Iso8583MessageInput): 64 | 128 {
  for (const n of message.fields.keys()) if (n > 64) return 128;
  return 64;
}

/**
 * The bytes a terminal MACs: the packed message up to, not including, the MAC field — 128 when a
 * secondary bitmap is present, else 64. The bitmap already has the MAC bit set; when the message
 * has no MAC yet, a zero MAC stands in so the bitmap is the one that will be sent.
 */
export function macInput(spec: MessageSpec, message: Iso8583MessageInput): Buffer {
  const macField = macFieldOf(message);
  const fields = new Map(message.fields);
  if (!fields.has(macField)) fields.set(macField, '0'.repeat(2 * (spec.fields[macField]?.length ?? 8)));
  const packed = packWithOffsets(spec, { mti: message.mti, fields });
  return packed.bytes.subarray(0, packed.fieldOffsets.get(macField));
}

/**
 * What a terminal MACed in a frame as it arrived: the bytes before the MAC field, which is the last
 * field of the message (128 with a secondary bitmap, else 64). Cut from the received bytes, not a
 * re-pack, so that a terminal writing hex in lower case is checked over what it sent. Undefined when
 * the message has no MAC field.
 */
export function receivedMacInput(spec: MessageSpec, message: Iso8583MessageInput, frame: Buffer): Buffer | undefined {
  const macField = macFieldOf(message);
  const field = spec.fields[macField];
  if (field === undefined || !isFixed(field) || !message.fields.has(macField)) return undefined;
  const macBytes = field.encoder.wireLength(field.length);
  return frame.length > macBytes ? frame.subarray(0, frame.length - macBytes) : undefined;
}

/**
 * Left-pads a value with zeros to its fixed numeric field's length (an amount, a STAN): packing
 * never does it by itself. Other fields' values are returned as given.
 */
export function padNumeric(spec: MessageSpec, number: number, value: string): string {
  const field = specFor(spec, number, undefined);
  if (field.type !== 'n' || field.prefix.digits !== 0) return value;
  return value.padStart(field.length, '0');
}

function packWithOffsets(spec: MessageSpec, message: Iso8583MessageInput): Packed {
  if (!MTI.test(message.mti)) throw new Iso8583Error('BAD_MTI', 'pack', { offset: 0 });
  const numbers = [...message.fields.keys()].sort((a, b) => a - b);
  // ASCII profiles: the frame as one latin1 string, one Buffer at the end (no Buffer per field).
  const parts: Array<Buffer | string> = [
    spec.mti.wireText ? spec.mti.wireText(message.mti) : spec.mti.encode(message.mti),
    encodeBitmap(spec.bitmap, buildBitmap(numbers)),
  ];
  let text = typeof parts[0] === 'string';
  let offset = parts[0].length + parts[1].length;
  const fieldOffsets = new Map<number, number>();
  for (const n of numbers) {
    const field = specFor(spec, n, offset);
    const value = message.fields.get(n) ?? '';
    // A field's text where the profile is text on the wire, else its bytes.
    const piece = packFieldText(n, field, value, offset) ?? packField(n, field, value, offset);
    if (typeof piece !== 'string') text = false;
    fieldOffsets.set(n, offset);
    parts.push(piece);
    offset += piece.length;
  }
  if (text && spec.bitmap === 'hex') {
    let frame = parts[0] as string;
    frame += (parts[1] as Buffer).toString('latin1');
    for (let i = 2; i < parts.length; i++) frame += parts[i] as string;
    return { bytes: Buffer.from(frame, 'latin1'), fieldOffsets };
  }
  return { bytes: Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))), fieldOffsets };
}

/** Field 1 and anything outside 2-128 is refused even if a spec were to define it. */
function specFor(spec: MessageSpec, number: number, offset: number | undefined): FieldSpec {
  const field = Number.isInteger(number) && number >= 2 && number <= LAST_FIELD ? spec.fields[number] : undefined;
  if (field === undefined) throw new Iso8583Error('UNKNOWN_FIELD', 'pack', { field: number, offset });
  return field;
}
