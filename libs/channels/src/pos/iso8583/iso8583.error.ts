/**
 * The one error type of the ISO 8583 codec. Its message is composed here from the code and
 * numbers only (field number, byte offset, lengths): the constructor takes no free text, so no
 * caller can put a PAN, PIN block or track data into an error message or a log line.
 */
export const Iso8583ErrorCode = {
  /** The frame ends inside the MTI, a bitmap, a length prefix or a field. */
  TRUNCATED: 'TRUNCATED',
  /** A length prefix is not a number, or a fixed-length value has the wrong length. */
  BAD_LENGTH: 'BAD_LENGTH',
  /** The MTI is not four digits. */
  BAD_MTI: 'BAD_MTI',
  /** A bitmap is not hex, or flags a secondary bitmap that is empty. */
  BAD_BITMAP: 'BAD_BITMAP',
  /** A numeric (n) or track (z) field holds something else than its digits. */
  NON_NUMERIC: 'NON_NUMERIC',
  /** A text (an, ans) or binary (b) field holds a character outside its set. */
  BAD_CHARACTER: 'BAD_CHARACTER',
  /** A variable field is longer than its maximum, or a fixed one longer than its length. */
  FIELD_TOO_LONG: 'FIELD_TOO_LONG',
  /** The field is not in the message spec (field 1 never is: it is the secondary-bitmap flag). */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** Bytes are left after the last field the bitmap announces. */
  TRAILING_BYTES: 'TRAILING_BYTES',
} as const;
export type Iso8583ErrorCode = (typeof Iso8583ErrorCode)[keyof typeof Iso8583ErrorCode];

/** Whether the codec was reading a frame (a format error of the peer) or writing one (our bug). */
export type Iso8583Direction = 'pack' | 'unpack';

export interface Iso8583ErrorDetail {
  /** The field number; absent for the MTI, the bitmaps and trailing bytes. */
  readonly field?: number;
  /** Byte offset in the frame where the faulty element starts. */
  readonly offset?: number;
  /** A length the spec asks for (bytes for TRUNCATED, units otherwise). */
  readonly expected?: number;
  /** The length found (bytes left for TRUNCATED, units otherwise). */
  readonly actual?: number;
}

const DESCRIPTIONS: Readonly<Record<Iso8583ErrorCode, string>> = {
  TRUNCATED: 'frame ends too early',
  BAD_LENGTH: 'bad length',
  BAD_MTI: 'MTI is not 4 digits',
  BAD_BITMAP: 'bad bitmap',
  NON_NUMERIC: 'non-numeric value in a numeric field',
  BAD_CHARACTER: 'character outside the field character set',
  FIELD_TOO_LONG: 'value longer than the field allows',
  UNKNOWN_FIELD: 'field not in the message spec',
  TRAILING_BYTES: 'bytes left after the last field',
};

export class Iso8583Error extends Error {
  override name = 'Iso8583Error';
  readonly field: number | undefined;
  readonly offset: number | undefined;

  constructor(
    readonly code: Iso8583ErrorCode,
    readonly direction: Iso8583Direction,
    detail: Iso8583ErrorDetail = {},
  ) {
    super(composeMessage(code, direction, detail));
    this.field = detail.field;
    this.offset = detail.offset;
  }
}

function composeMessage(code: Iso8583ErrorCode, direction: Iso8583Direction, d: Iso8583ErrorDetail): string {
  const where = [d.field === undefined ? undefined : `field ${d.field}`, d.offset === undefined ? undefined : `byte ${d.offset}`]
    .filter((part) => part !== undefined)
    .join(' at ');
  const lengths = [d.expected === undefined ? undefined : `expected ${d.expected}`, d.actual === undefined ? undefined : `got ${d.actual}`]
    .filter((part) => part !== undefined)
    .join(', ');
  return `ISO 8583 ${direction} ${code}${where ? ` (${where})` : ''}: ${DESCRIPTIONS[code]}${lengths ? ` (${lengths})` : ''}`;
}
