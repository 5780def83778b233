/**
 * The PIN pad's side of a DUKPT key serial number: which counter comes next, and the KSN it makes.
 * A device never uses a counter with more one-bits than its standard allows (X9.24-1: 10 of 21,
 * X9.24-3: 16 of 32) — the host refuses such KSNs — so it skips them by adding the lowest set bit,
 * which clears the lowest run of ones and carries (the originator algorithm of X9.24-1 and X9.24-3).
 */
export type DukptScheme = 'TDES' | 'AES';

interface CounterRule {
  readonly bits: number;
  readonly maxOnes: number;
}

const RULES: Readonly<Record<DukptScheme, CounterRule>> = {
  TDES: { bits: 21, maxOnes: 10 },
  AES: { bits: 32, maxOnes: 16 },
};

/** The device has used every counter it may: it needs a new initial key (a new state file here). */
export class KsnExhaustedError extends Error {
  override name = 'KsnExhaustedError';
}

export function countOnes(value: number): number {
  let ones = 0;
  for (let v = value >>> 0; v !== 0; v = (v & (v - 1)) >>> 0) ones++;
  return ones;
}

/** The next counter a device may use after `counter` (0 = none used yet). */
export function nextKsnCounter(scheme: DukptScheme, counter: number): number {
  const rule = RULES[scheme];
  let next = counter + 1;
  while (countOnes(next) > rule.maxOnes) next += lowestSetBit(next);
  if (next >= 2 ** rule.bits) throw new KsnExhaustedError(`the ${scheme} DUKPT transaction counter is exhausted: the terminal needs a new initial key`);
  return next;
}

/** The counter `count` steps after `counter`. */
export function advanceKsnCounter(scheme: DukptScheme, counter: number, count: number): number {
  let next = counter;
  for (let i = 0; i < count; i++) next = nextKsnCounter(scheme, next);
  return next;
}

/**
 * The KSN for a counter. TDES: the 20-digit initial KSN with its right 21 bits replaced; AES: the
 * 16-digit initial key ID followed by the 8-digit counter.
 */
export function ksnFor(scheme: DukptScheme, initialId: string, counter: number): string {
  if (scheme === 'AES') return (initialId + counter.toString(16).padStart(8, '0')).toUpperCase();
  const base = BigInt(`0x${initialId}`) & ~0x1fffffn;
  return (base | BigInt(counter)).toString(16).padStart(20, '0').toUpperCase();
}

function lowestSetBit(value: number): number {
  return (value & -value) >>> 0;
}
