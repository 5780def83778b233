/**
 * How POS messages are cut out of a TCP stream. Terminal fleets differ only in the length header
 * (and, for China UnionPay style links, a 5-byte TPDU after it), so a profile is data:
 * - `binary2`: 2-byte big-endian binary length (the default; jPOS's NACChannel style);
 * - `ascii4`: 4 ASCII digits (jPOS ASCIIChannel style);
 * - `bcd2`: 2-byte BCD length (CUP style), usually with `tpduBytes: 5`.
 * The length counts everything after the length header, the TPDU included.
 */
export type LengthHeader = 'binary2' | 'ascii4' | 'bcd2';

export interface PosFramingProfile {
  readonly lengthHeader: LengthHeader;
  /** Bytes of TPDU between the length and the ISO message (0 or 5). */
  readonly tpduBytes: number;
  /** Largest accepted frame (length field value). */
  readonly maxFrameBytes: number;
}

export const DEFAULT_POS_FRAMING: PosFramingProfile = { lengthHeader: 'binary2', tpduBytes: 0, maxFrameBytes: 8192 };

/** The framings by the names configuration and the simulator give them. */
export const POS_FRAMINGS_BY_NAME = {
  binary2: DEFAULT_POS_FRAMING,
  ascii4: { ...DEFAULT_POS_FRAMING, lengthHeader: 'ascii4' },
  'bcd2-tpdu': { ...DEFAULT_POS_FRAMING, lengthHeader: 'bcd2', tpduBytes: 5 },
} as const satisfies Record<string, PosFramingProfile>;

export interface PosFrame {
  /** The TPDU as received (empty when the profile has none); the reply swaps its addresses. */
  readonly tpdu: Buffer;
  readonly message: Buffer;
}

/** A frame no terminal should send; the connection is closed (its length cannot be trusted). */
export class PosFramingError extends Error {
  override name = 'PosFramingError';

  /** Whole frames that came before the bad bytes: requests the terminal is still owed answers to. */
  constructor(
    message: string,
    readonly framesBefore: readonly PosFrame[] = [],
  ) {
    super(message);
  }
}

const HEADER_BYTES: Readonly<Record<LengthHeader, number>> = { binary2: 2, ascii4: 4, bcd2: 2 };

export function frame(profile: PosFramingProfile, tpdu: Buffer, message: Buffer): Buffer {
  if (tpdu.length !== profile.tpduBytes) throw new PosFramingError(`the TPDU is ${profile.tpduBytes} bytes`);
  const length = tpdu.length + message.length;
  if (length > profile.maxFrameBytes) throw new PosFramingError(`a frame is at most ${profile.maxFrameBytes} bytes`);
  return Buffer.concat([encodeLength(profile.lengthHeader, length), tpdu, message]);
}

/** The TPDU of a reply: destination and source addresses swapped (bytes 1-2 and 3-4). */
export function replyTpdu(tpdu: Buffer): Buffer {
  if (tpdu.length !== 5) return tpdu;
  return Buffer.from([tpdu[0], tpdu[3], tpdu[4], tpdu[1], tpdu[2]]);
}

/** One connection's decoder: feed it chunks, get the complete frames; throws PosFramingError on a bad length. */
export function posFrameDecoder(profile: PosFramingProfile): { push(chunk: Buffer): PosFrame[] } {
  const headerBytes = HEADER_BYTES[profile.lengthHeader];
  let pending: Buffer | undefined;
  return {
    push(chunk: Buffer): PosFrame[] {
      let data = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = undefined;
      const frames: PosFrame[] = [];
      try {
        while (data.length >= headerBytes) {
          const length = decodeLength(profile.lengthHeader, data);
          if (length <= profile.tpduBytes || length > profile.maxFrameBytes) {
            throw new PosFramingError(`frame length ${length} is outside 1..${profile.maxFrameBytes}`);
          }
          if (data.length < headerBytes + length) break;
          const body = data.subarray(headerBytes, headerBytes + length);
          frames.push({ tpdu: Buffer.from(body.subarray(0, profile.tpduBytes)), message: Buffer.from(body.subarray(profile.tpduBytes)) });
          data = data.subarray(headerBytes + length);
        }
      } catch (err) {
        if (err instanceof PosFramingError) throw new PosFramingError(err.message, frames);
        throw err;
      }
      // A copy of the tail only: a subarray would pin the whole chunk.
      if (data.length > 0) pending = Buffer.from(data);
      return frames;
    },
  };
}

function encodeLength(header: LengthHeader, length: number): Buffer {
  switch (header) {
    case 'binary2': {
      const out = Buffer.alloc(2);
      out.writeUInt16BE(length, 0);
      return out;
    }
    case 'ascii4':
      return Buffer.from(String(length).padStart(4, '0'), 'ascii');
    case 'bcd2':
      return Buffer.from(String(length).padStart(4, '0'), 'hex');
  }
}

function decodeLength(header: LengthHeader, data: Buffer): number {
  switch (header) {
    case 'binary2':
      return data.readUInt16BE(0);
    case 'ascii4': {
      const text = data.toString('latin1', 0, 4);
      if (!/^\d{4}$/.test(text)) throw new PosFramingError('the length header is not 4 ASCII digits');
      return Number(text);
    }
    case 'bcd2': {
      const text = data.toString('hex', 0, 2);
      if (!/^\d{4}$/.test(text)) throw new PosFramingError('the length header is not BCD');
      return Number(text);
    }
  }
}
