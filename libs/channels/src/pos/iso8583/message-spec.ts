import type { Encoder } from './encoders/encoder.js';
import type { FieldSpec } from './field-spec.js';

/** Bitmaps as 16 hex ASCII characters each (jPOS IFA_BITMAP) or 8 raw bytes each (IFB_BITMAP). */
export type BitmapEncoding = 'hex' | 'binary';

/**
 * A message layout as data (moov-io's MessageSpec, jPOS's packagers): the MTI's encoding, the
 * bitmap's, and one definition per data element 2-128. Field 1 is never defined: in ISO 8583:1987
 * bit 1 only says that a secondary bitmap follows.
 */
export interface MessageSpec {
  readonly name: string;
  /** Encodes the 4 MTI digits (ASCII: 4 bytes, BCD: 2 bytes). */
  readonly mti: Encoder;
  readonly bitmap: BitmapEncoding;
  readonly fields: Readonly<Partial<Record<number, FieldSpec>>>;
}

/**
 * A message as the codec sees it: values are strings (digits for n, text for an/ans, upper-case
 * hex for b, whatever the wire encoding). Field 1 (the bitmap flag) never appears.
 */
export interface Iso8583Message {
  mti: string;
  fields: Map<number, string>;
}

/** What `pack` reads: any message whose fields can be listed. */
export interface Iso8583MessageInput {
  readonly mti: string;
  readonly fields: ReadonlyMap<number, string>;
}
