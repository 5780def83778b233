/**
 * Tiny field pieces from which payShield command layouts are declared as data (STYLE.md #6, after
 * moov-io/iso8583's specs): a fixed-length field of N (decimal), H (upper-case hex), A (printable)
 * or B (any byte) characters, a literal delimiter, a key (a key block "S…" or a legacy variant key),
 * and a length-prefixed field. Lengths may depend on fields read before (a PIN block is 32 hex under
 * an AES key, a KSN as long as its descriptor says) and, in a response, on the request.
 *
 * Messages are handled as latin1 strings: one character per byte, so binary fields (a message to
 * MAC, an HMAC) and text fields share one representation and slicing is by byte.
 *
 * Errors name the field, never its value (values are PIN blocks, keys, account numbers).
 */

export type Values = Readonly<Record<string, string | undefined>>;
type Context = { readonly values: Values; readonly request: Values };
type Length = number | ((context: Context) => number);

export type Charset = 'N' | 'H' | 'A' | 'B';

interface Base<Name extends string, Optional extends boolean> {
  readonly name: Name;
  readonly optional: Optional;
  /** Only for optional fields: whether the field is present, from the values before it. */
  readonly when?: (context: Context) => boolean;
}

export interface FixedField<Name extends string = string, Optional extends boolean = boolean> extends Base<Name, Optional> {
  readonly kind: 'fixed';
  readonly charset: Charset;
  readonly length: Length;
}

export interface KeyField<Name extends string = string, Optional extends boolean = boolean> extends Base<Name, Optional> {
  readonly kind: 'key';
}

export interface PrefixedField<Name extends string = string, Optional extends boolean = boolean> extends Base<Name, Optional> {
  readonly kind: 'prefixed';
  /** The length prefix: decimal (N) or hex (H) digits, counting bytes of the value. */
  readonly prefix: 'N' | 'H';
  readonly prefixDigits: number;
  readonly charset: Charset;
}

export interface LiteralField extends Base<'', false> {
  readonly kind: 'literal';
  readonly value: string;
}

export type Field = FixedField | KeyField | PrefixedField | LiteralField;

/** A field layout refused: which field and why, never the value. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: 'MISSING' | 'LENGTH' | 'CHARSET' | 'TRUNCATED' | 'TRAILING' | 'LITERAL',
  ) {
    super(`field ${field || '(delimiter)'}: ${problem.toLowerCase()}`);
    this.name = 'FieldError';
  }
}

export const fixed = <const Name extends string>(name: Name, charset: Charset, length: Length): FixedField<Name, false> => ({
  name,
  optional: false,
  kind: 'fixed',
  charset,
  length,
});

export const n = <const Name extends string>(name: Name, length: Length) => fixed(name, 'N', length);
export const h = <const Name extends string>(name: Name, length: Length) => fixed(name, 'H', length);
export const a = <const Name extends string>(name: Name, length: Length) => fixed(name, 'A', length);

export const key = <const Name extends string>(name: Name): KeyField<Name, false> => ({ name, optional: false, kind: 'key' });

export const prefixed = <const Name extends string>(
  name: Name,
  prefix: 'N' | 'H',
  prefixDigits: number,
  charset: Charset = 'B',
): PrefixedField<Name, false> => ({ name, optional: false, kind: 'prefixed', prefix, prefixDigits, charset });

export const literal = (value: string): LiteralField => ({ name: '', optional: false, kind: 'literal', value });

/** The same field, present only when `when` says so. */
export function optional<F extends FixedField<string, false> | KeyField<string, false> | PrefixedField<string, false>>(
  field: F,
  when: (context: Context) => boolean,
): Omit<F, 'optional' | 'when'> & { readonly optional: true; readonly when: (context: Context) => boolean } {
  return { ...field, optional: true, when };
}

/** Values of a layout: required fields as string, optional ones as string | undefined. */
export type ValuesOf<Fields extends readonly Field[]> = {
  readonly [F in Fields[number] as F extends LiteralField ? never : F['optional'] extends true ? never : F['name']]: string;
} & {
  readonly [F in Fields[number] as F extends LiteralField ? never : F['optional'] extends true ? F['name'] : never]?: string;
};

const CHARSETS: Readonly<Record<Charset, RegExp>> = {
  N: /^[0-9]*$/,
  H: /^[0-9A-F]*$/,
  A: /^[\x20-\x7e]*$/,
  B: /^[\x00-\xff]*$/,
};

export function encodeFields(fields: readonly Field[], values: Values, request: Values = {}): string {
  let out = '';
  for (const field of fields) {
    if (field.kind === 'literal') {
      out += field.value;
      continue;
    }
    const context = { values, request };
    if (field.optional && !field.when?.(context)) continue;
    const value = values[field.name];
    if (typeof value !== 'string') throw new FieldError(field.name, 'MISSING');
    switch (field.kind) {
      case 'fixed': {
        const length = lengthOf(field.length, context);
        if (value.length !== length) throw new FieldError(field.name, 'LENGTH');
        if (!CHARSETS[field.charset].test(value)) throw new FieldError(field.name, 'CHARSET');
        out += value;
        break;
      }
      case 'key':
        if (keyLength(value, 0, field.name) !== value.length) throw new FieldError(field.name, 'LENGTH');
        out += value;
        break;
      case 'prefixed': {
        if (!CHARSETS[field.charset].test(value)) throw new FieldError(field.name, 'CHARSET');
        const radix = field.prefix === 'N' ? 10 : 16;
        const prefix = value.length.toString(radix).toUpperCase().padStart(field.prefixDigits, '0');
        if (prefix.length > field.prefixDigits) throw new FieldError(field.name, 'LENGTH');
        out += prefix + value;
        break;
      }
    }
  }
  return out;
}

/**
 * Reads `fields` from `text` starting at `start`; the whole text must be consumed. Returns the
 * values by field name (absent optional fields are left out).
 */
export function decodeFields(fields: readonly Field[], text: string, start = 0, request: Values = {}): Record<string, string> {
  const values: Record<string, string> = {};
  let at = start;
  for (const field of fields) {
    if (field.kind === 'literal') {
      if (text.slice(at, at + field.value.length) !== field.value) throw new FieldError('', 'LITERAL');
      at += field.value.length;
      continue;
    }
    const context = { values, request };
    if (field.optional && !field.when?.(context)) continue;
    let value: string;
    switch (field.kind) {
      case 'fixed': {
        value = take(text, at, lengthOf(field.length, context), field.name);
        if (!CHARSETS[field.charset].test(value)) throw new FieldError(field.name, 'CHARSET');
        break;
      }
      case 'key':
        value = take(text, at, keyLength(text, at, field.name), field.name);
        break;
      case 'prefixed': {
        const prefix = take(text, at, field.prefixDigits, field.name);
        if (!CHARSETS[field.prefix].test(prefix)) throw new FieldError(field.name, 'CHARSET');
        const length = parseInt(prefix, field.prefix === 'N' ? 10 : 16);
        value = take(text, at + prefix.length, length, field.name);
        if (!CHARSETS[field.charset].test(value)) throw new FieldError(field.name, 'CHARSET');
        at += prefix.length;
        break;
      }
    }
    values[field.name] = value;
    at += value.length;
  }
  if (at !== text.length) throw new FieldError(fields.at(-1)?.name ?? '', 'TRAILING');
  return values;
}

function lengthOf(length: Length, context: Context): number {
  return typeof length === 'number' ? length : length(context);
}

function take(text: string, at: number, length: number, name: string): string {
  if (!Number.isInteger(length) || length < 0) throw new FieldError(name, 'LENGTH');
  if (at + length > text.length) throw new FieldError(name, 'TRUNCATED');
  return text.slice(at, at + length);
}

/**
 * Length of the key field at `at`, from its first character, as payShield delimits keys:
 *   S + version + 4N length …  key block (Thales, or a Saldo key token): 1 + that length
 *   U / X + 32H                double-length variant / X9.17 key
 *   T / Y + 48H                triple-length
 *   Z + 16H                    single-length X9.17
 *   16H                        single-length, no scheme tag
 */
export function keyLength(text: string, at: number, name: string): number {
  const scheme = text[at];
  let length: number;
  let hexFrom = at + 1;
  switch (scheme) {
    case undefined:
      throw new FieldError(name, 'TRUNCATED');
    case 'S': {
      const digits = text.slice(at + 2, at + 6);
      if (digits.length < 4) throw new FieldError(name, 'TRUNCATED');
      if (!/^\d{4}$/.test(digits)) throw new FieldError(name, 'CHARSET');
      length = 1 + Number(digits);
      if (length < 6) throw new FieldError(name, 'LENGTH');
      hexFrom = -1;
      break;
    }
    case 'U':
    case 'X':
      length = 33;
      break;
    case 'T':
    case 'Y':
      length = 49;
      break;
    case 'Z':
      length = 17;
      break;
    default:
      length = 16;
      hexFrom = at;
  }
  if (at + length > text.length) throw new FieldError(name, 'TRUNCATED');
  if (hexFrom >= 0 && !CHARSETS.H.test(text.slice(hexFrom, at + length))) throw new FieldError(name, 'CHARSET');
  return length;
}
