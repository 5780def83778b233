/**
 * How a value's characters become bytes on the wire. A value is counted in "units": digits for
 * n/z fields, characters for an/ans fields, bytes for b fields (whose API value is hex, two hex
 * characters per unit). Length prefixes count the same units, as jPOS and moov-io do.
 */
export interface Encoder {
  readonly name: string;
  /** Bytes on the wire for a value of `units` units. */
  wireLength(units: number): number;
  /** The value must already be valid for its field's character set. */
  encode(value: string): Buffer;
  /** `bytes` is exactly `wireLength(units)` long; undefined when they are not valid in this encoding. */
  decode(bytes: Buffer, units: number): string | undefined;
  /** For encoders whose wire bytes are the latin1 bytes of a string: that string (optional; lets `pack` build one string). */
  wireText?(value: string): string;
  /**
   * The same as `decode(frame.subarray(start, end), units)` without the view (optional: the
   * codec's hot path, where a Buffer view per field costs more than the decode).
   */
  decodeRange?(frame: Buffer, start: number, end: number, units: number): string | undefined;
}
