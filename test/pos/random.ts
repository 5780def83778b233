import { type FieldSpec, type MessageSpec } from '../../libs/channels/src/pos/iso8583/index.js';

/**
 * A small seeded generator (mulberry32) for the property tests: every run sees the same cases,
 * and a failure names its seed. fast-check is only in node_modules as a transitive dependency of
 * prisma (through effect), not a dependency of ours, so it is not used.
 */
export function rng(seed: number): { int(maxExclusive: number): number; pick<T>(items: readonly T[]): T; bool(): boolean } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  return { int, pick: (items) => items[int(items.length)], bool: () => next() < 0.5 };
}

type Random = ReturnType<typeof rng>;

const DIGITS = '0123456789';
const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ';
const ANS = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
const HEX = '0123456789ABCDEF';

const text = (r: Random, alphabet: string, length: number): string => Array.from({ length }, () => alphabet[r.int(alphabet.length)]).join('');

/** A valid value for a field; fixed an/ans values may be short but never end in a space (unpack trims). */
export function randomValue(r: Random, field: FieldSpec, spec: MessageSpec): string {
  const fixed = field.prefix.digits === 0;
  const length = fixed ? field.length : r.int(field.length + 1);
  switch (field.type) {
    case 'n':
      return text(r, DIGITS, length);
    case 'z': {
      // Track 2: digits with one separator; BCD reads the separator back as '=', so use it there.
      const separator = spec.mti.name === 'bcd' ? '=' : r.pick(['=', 'D']);
      if (length === 0) return '';
      const at = r.int(length);
      return text(r, DIGITS, at) + separator + text(r, DIGITS, length - at - 1);
    }
    case 'an':
    case 'ans': {
      const alphabet = field.type === 'an' ? AN : ANS;
      const value = text(r, alphabet, fixed ? r.int(length + 1) : length);
      return fixed ? value.replace(/ +$/, '') : value;
    }
    case 'b':
      return text(r, HEX, 2 * length);
  }
}

/** A random message with a random subset of the spec's fields (sometimes with a secondary bitmap). */
export function randomMessage(r: Random, spec: MessageSpec): { mti: string; fields: Map<number, string> } {
  const fields = new Map<number, string>();
  for (const [key, field] of Object.entries(spec.fields)) {
    if (field !== undefined && r.bool()) fields.set(Number(key), randomValue(r, field, spec));
  }
  return { mti: text(r, DIGITS, 4), fields };
}
