/**
 * How requests and responses are matched on one connection, injected into the connection
 * (STYLE.md #7, after moov-io/iso8583-connection's request_id_generator.go).
 */
export interface RequestMatching {
  /** Most requests one connection can have outstanding (pending plus timed-out, unanswered ones). */
  readonly capacity: number;
  /** A new id, none of which `inUse` says is taken; undefined when all are. */
  nextId(inUse: (id: string) => boolean): string | undefined;
  /** The message to send: the id placed in it. */
  stamp(id: string, body: string): Buffer;
  /** The id of a received message and the rest of it; undefined if it has none. */
  read(message: Buffer): { readonly id: string; readonly body: string } | undefined;
}

/**
 * payShield's message header (payments-facts.md §5.1): `length` characters in front of every
 * command, returned unchanged in front of its response. Used as a zero-padded decimal trace
 * number, as ut-codec-payshield does; a number is not reused while a request with it is pending
 * or its late reply is still expected. Bodies travel as latin1 (one character per byte).
 */
export class HeaderMatching implements RequestMatching {
  readonly capacity: number;
  readonly #length: number;
  readonly #space: number;
  #next = 0;

  constructor(length = 4) {
    if (!Number.isInteger(length) || length < 1 || length > 16) throw new RangeError('a message header is 1 to 16 characters');
    this.#length = length;
    this.#space = 10 ** Math.min(length, 15);
    // Leave half of the numbers free, so finding one stays quick and timed-out ones can wait.
    this.capacity = Math.max(1, Math.floor(this.#space / 2));
  }

  get headerLength(): number {
    return this.#length;
  }

  nextId(inUse: (id: string) => boolean): string | undefined {
    for (let tries = 0; tries < this.#space; tries++) {
      const id = String(this.#next).padStart(this.#length, '0');
      this.#next = (this.#next + 1) % this.#space;
      if (!inUse(id)) return id;
    }
    return undefined;
  }

  stamp(id: string, body: string): Buffer {
    return Buffer.from(id + body, 'latin1');
  }

  read(message: Buffer): { id: string; body: string } | undefined {
    if (message.length < this.#length) return undefined;
    const text = message.toString('latin1');
    return { id: text.slice(0, this.#length), body: text.slice(this.#length) };
  }
}
