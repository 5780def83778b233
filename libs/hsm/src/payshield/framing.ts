/**
 * How messages are cut out of a TCP byte stream, injected into the connection (STYLE.md #7, after
 * moov-io/iso8583-connection's options): the connection knows nothing of length prefixes.
 */
export interface Framing {
  /** The bytes to write for one message. */
  frame(message: Buffer): Buffer;
  /** A decoder for one connection's inbound stream (it keeps the bytes of a partial message). */
  decoder(): FrameDecoder;
}

export interface FrameDecoder {
  /** Feeds received bytes; returns the messages now complete, in order. */
  push(chunk: Buffer): Buffer[];
}

/** A frame the peer should never have sent (the connection is then reset). */
export class FramingError extends Error {
  override name = 'FramingError';
}

/**
 * payShield framing: a 2-byte big-endian length of the rest, then the message (header, command,
 * fields). Messages are at most 65,535 bytes.
 */
export const lengthPrefixFraming: Framing = {
  frame(message: Buffer): Buffer {
    if (message.length > 0xffff) throw new FramingError('a payShield message is at most 65535 bytes');
    const out = Buffer.allocUnsafe(2 + message.length);
    out.writeUInt16BE(message.length, 0);
    message.copy(out, 2);
    return out;
  },
  decoder(): FrameDecoder {
    let pending: Buffer | undefined;
    return {
      push(chunk: Buffer): Buffer[] {
        let data = pending ? Buffer.concat([pending, chunk]) : chunk;
        pending = undefined;
        const messages: Buffer[] = [];
        while (data.length >= 2) {
          const length = data.readUInt16BE(0);
          if (data.length < 2 + length) break;
          messages.push(data.subarray(2, 2 + length));
          data = data.subarray(2 + length);
        }
        // Keep a copy of the tail only: a subarray would pin the whole (possibly large) chunk.
        if (data.length > 0) pending = Buffer.from(data);
        return messages;
      },
    };
  },
};
