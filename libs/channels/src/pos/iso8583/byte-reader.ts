import { Iso8583Error } from './iso8583.error.js';

/** A cursor over a frame that turns every read past the end into TRUNCATED with its offset. */
export class ByteReader {
  private position = 0;

  constructor(private readonly bytes: Buffer) {}

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  take(count: number, field?: number): Buffer {
    const start = this.skip(count, field);
    return this.bytes.subarray(start, start + count);
  }

  /** Moves past `count` bytes and answers where they start in `frame` (no view made). */
  skip(count: number, field?: number): number {
    if (count > this.remaining) {
      throw new Iso8583Error('TRUNCATED', 'unpack', { field, offset: this.position, expected: count, actual: this.remaining });
    }
    const start = this.position;
    this.position += count;
    return start;
  }

  /** The bytes being read. */
  get frame(): Buffer {
    return this.bytes;
  }
}
