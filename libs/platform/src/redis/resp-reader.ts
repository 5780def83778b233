/**
 * A reply as RESP2 carries it: bulk and simple strings as text, integers (as their digits when
 * beyond 2^53, where a number would be silently wrong), nil, arrays, or an error reply.
 */
export type RespValue = string | number | null | RespError | RespValue[];

/** An error reply from Redis (`-ERR …`, `-NOSCRIPT …`): the command failed, the connection is fine. */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

/** A protocol violation: the stream cannot be trusted any more and the connection must be dropped. */
export class RespProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespProtocolError';
  }
}

const INCOMPLETE = Symbol('incomplete');
type Read = RespValue | typeof INCOMPLETE;
const CR = 13;
const LF = 10;

/**
 * Reads RESP2 replies out of a byte stream that arrives in arbitrary chunks: each complete reply
 * goes to `onReply` in order. A partial reply is read again from its start once enough bytes are
 * there: a bulk string's length says how many, so a large value (an audit export's file) arriving
 * in many chunks is joined once, not once per chunk.
 */
export class RespReader {
  /** Unread bytes, not joined yet. */
  #parts: Buffer[] = [];
  #have = 0;
  /** Bytes the partial reply needs at least before it is worth reading again. */
  #need = 0;
  #at = 0;

  constructor(private readonly onReply: (value: RespValue) => void) {}

  push(chunk: Buffer): void {
    this.#parts.push(chunk);
    this.#have += chunk.length;
    if (this.#have < this.#need) return;
    const buffer = this.#parts.length === 1 ? chunk : Buffer.concat(this.#parts, this.#have);
    this.reset();
    let start = 0;
    while (start < buffer.length) {
      this.#at = start;
      this.#need = 0;
      const value = this.#read(buffer);
      if (value === INCOMPLETE) {
        const rest = buffer.subarray(start);
        this.#parts = [rest];
        this.#have = rest.length;
        this.#need = Math.max(this.#need - start, rest.length + 1);
        return;
      }
      this.onReply(value);
      start = this.#at;
    }
    this.#need = 0;
  }

  /** Forgets a partial reply (the connection it came from is gone). */
  reset(): void {
    this.#parts = [];
    this.#have = 0;
    this.#need = 0;
  }

  #read(buffer: Buffer): Read {
    if (this.#at >= buffer.length) return INCOMPLETE;
    const type = buffer[this.#at];
    this.#at++;
    switch (type) {
      case 0x2b /* + */:
        return this.#line(buffer);
      case 0x2d /* - */: {
        const line = this.#line(buffer);
        return line === INCOMPLETE ? INCOMPLETE : new RespError(line);
      }
      case 0x3a /* : */: {
        const start = this.#at;
        const value = this.#integer(buffer);
        if (value === INCOMPLETE || Number.isSafeInteger(value)) return value;
        return buffer.toString('latin1', start, this.#at - 2);
      }
      case 0x24 /* $ */: {
        const length = this.#integer(buffer);
        if (length === INCOMPLETE) return INCOMPLETE;
        if (length < 0) return null;
        const end = this.#at + length;
        if (end + 2 > buffer.length) {
          this.#need = end + 2;
          return INCOMPLETE;
        }
        if (buffer[end] !== CR || buffer[end + 1] !== LF) throw new RespProtocolError('a bulk string is longer than its length says');
        const text = buffer.toString('utf8', this.#at, end);
        this.#at = end + 2;
        return text;
      }
      case 0x2a /* * */: {
        const count = this.#integer(buffer);
        if (count === INCOMPLETE) return INCOMPLETE;
        if (count < 0) return null;
        const items: RespValue[] = [];
        for (let i = 0; i < count; i++) {
          const item = this.#read(buffer);
          if (item === INCOMPLETE) return INCOMPLETE;
          items.push(item);
        }
        return items;
      }
      default:
        throw new RespProtocolError(`unexpected reply type byte ${type}`);
    }
  }

  #line(buffer: Buffer): string | typeof INCOMPLETE {
    const cr = buffer.indexOf(CR, this.#at);
    if (cr < 0 || cr + 1 >= buffer.length) return INCOMPLETE;
    if (buffer[cr + 1] !== LF) throw new RespProtocolError('a RESP line without its line feed');
    const text = buffer.toString('utf8', this.#at, cr);
    this.#at = cr + 2;
    return text;
  }

  #integer(buffer: Buffer): number | typeof INCOMPLETE {
    let at = this.#at;
    const negative = buffer[at] === 0x2d;
    if (negative) at++;
    const first = at;
    let value = 0;
    for (; at < buffer.length; at++) {
      const c = buffer[at];
      if (c === CR) {
        if (at + 1 >= buffer.length) return INCOMPLETE;
        if (at === first || buffer[at + 1] !== LF) throw new RespProtocolError('a RESP integer without digits or line end');
        this.#at = at + 2;
        return negative ? -value : value;
      }
      if (c < 0x30 || c > 0x39) throw new RespProtocolError('a RESP integer holds a non-digit');
      value = value * 10 + (c - 0x30);
    }
    return INCOMPLETE;
  }
}
