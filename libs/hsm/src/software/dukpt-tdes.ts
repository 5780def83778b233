import { inspect } from 'node:util';
import { CryptoError } from '../crypto.port.js';
import { BoundedCache } from './bounded-cache.js';
import { DesEde, DesKey } from './des.js';
import type { TdesKey } from './tdes.js';

/**
 * TDES DUKPT, ANSI X9.24-1:2009 (payments-facts.md §3.1; vectors shared/vectors/dukpt.json "tdes").
 *
 * KSN: 80 bits = 59-bit initial KSN (key set id + device id) ‖ 21-bit transaction counter.
 *   IPEK = TDES(BDK, x) ‖ TDES(BDK ⊕ C0C0C0C000000000C0C0C0C000000000, x), x = leftmost 64 bits of
 *          the KSN with the counter bits cleared.
 *   current key: from the IPEK, for each counter bit set, most significant first, set that bit in
 *          the KSN register (rightmost 64 bits, counter cleared) and apply the non-reversible key
 *          generation process (NRKGP).
 *   working keys: current key ⊕ a variant mask (PIN, MAC request, MAC response, data; X9.24-1 A.4.1
 *          table A-1). The data variant is the plain variant key (the optional one-way step some
 *          devices apply to it for data encryption is not part of this driver: nothing here
 *          encrypts data).
 *
 * Exhaustion: a terminal never uses a counter with more than 10 one-bits (X9.24-1: it skips them),
 * so such a KSN cannot come from a genuine device; counter 0 names the IPEK itself, never a
 * transaction key. Both are refused as KSN_EXHAUSTED (this also bounds derivation to 10 steps).
 *
 * Speed: the IPEK (two TDES under the BDK, via OpenSSL) is cached per initial KSN; the ≤ 10 NRKGP
 * steps (20 single-DES keys) and the working key run on the JavaScript DES (des.ts), which needs
 * no cipher context per key.
 */

export type TdesDukptUsage = 'pin' | 'macRequest' | 'macResponse' | 'data';

const VARIANT_MASKS: Readonly<Record<TdesDukptUsage, Buffer>> = {
  pin: Buffer.from('00000000000000FF00000000000000FF', 'hex'),
  macRequest: Buffer.from('000000000000FF00000000000000FF00', 'hex'),
  macResponse: Buffer.from('00000000FF00000000000000FF000000', 'hex'),
  data: Buffer.from('0000000000FF00000000000000FF0000', 'hex'),
};
const KEY_MASK = Buffer.from('C0C0C0C000000000C0C0C0C000000000', 'hex');
const KSN = /^[0-9A-Fa-f]{20}$/;
const MAX_COUNTER_ONES = 10;

export interface TdesKsn {
  /** The 10 KSN bytes. */
  readonly bytes: Buffer;
  /** The 21-bit transaction counter. */
  readonly counter: number;
}

export function parseTdesKsn(ksn: string): TdesKsn {
  if (typeof ksn !== 'string' || !KSN.test(ksn)) {
    throw new CryptoError('BAD_INPUT', 'a TDES DUKPT KSN is 20 hex digits (X9.24-1, 80 bits)');
  }
  const bytes = Buffer.from(ksn, 'hex');
  const counter = ((bytes[7] & 0x1f) << 16) | (bytes[8] << 8) | bytes[9];
  if (counter === 0 || popcount(counter) > MAX_COUNTER_ONES) {
    throw new CryptoError('KSN_EXHAUSTED', 'the KSN transaction counter is not one a device uses (X9.24-1: 1 to 10 one-bits)');
  }
  return { bytes, counter };
}

export function popcount(value: number): number {
  let ones = 0;
  for (let v = value >>> 0; v; v &= v - 1) ones++;
  return ones;
}

/** Scratch for the derivation; Node runs it synchronously, so one set serves every call. */
const des = new DesKey();
const block = Buffer.alloc(8);
const next = Buffer.alloc(16);
const masked = Buffer.alloc(16);

/** Half of the NRKGP: (register ⊕ key right) → DES under key left → ⊕ key right. */
function nrkgpHalf(key: Buffer, register: Buffer, out: Buffer, outOffset: number): void {
  for (let i = 0; i < 8; i++) block[i] = register[i] ^ key[8 + i];
  des.rekey(key, 0).encryptBlock(block, 0, block, 0);
  for (let i = 0; i < 8; i++) out[outOffset + i] = block[i] ^ key[8 + i];
}

/** X9.24-1 non-reversible key generation process, in place on the 16-byte key. */
function nrkgp(key: Buffer, register: Buffer): void {
  nrkgpHalf(key, register, next, 8);
  for (let i = 0; i < 16; i++) masked[i] = key[i] ^ KEY_MASK[i];
  nrkgpHalf(masked, register, next, 0);
  key.set(next);
}

/** The current transaction key for `ksn` from its IPEK (a new 16-byte buffer; the caller zeroes it). */
export function tdesTransactionKey(ipek: Uint8Array, ksn: TdesKsn): Buffer {
  const key = Buffer.from(ipek);
  const register = Buffer.from(ksn.bytes.subarray(2, 10));
  register[5] &= 0xe0;
  register[6] = 0;
  register[7] = 0;
  try {
    for (let bit = 1 << 20; bit !== 0; bit >>>= 1) {
      if ((ksn.counter & bit) === 0) continue;
      register[5] |= bit >>> 16;
      register[6] |= (bit >>> 8) & 0xff;
      register[7] |= bit & 0xff;
      nrkgp(key, register);
    }
    return key;
  } finally {
    des.wipe();
    for (const scratch of [block, next, masked]) scratch.fill(0);
  }
}

/**
 * The DUKPT side of one TDES BDK: IPEKs cached per initial KSN (bounded LRU, zeroed on eviction),
 * working keys per KSN. One instance per loaded BDK, so a reloaded or rotated BDK starts empty.
 */
export class TdesDukpt {
  readonly #bdk: TdesKey;
  readonly #bdkVariant: TdesKey;
  readonly #ipeks: BoundedCache<Buffer>;

  constructor(bdk: TdesKey, ipekCacheSize = 10_000) {
    if (bdk.length !== 16) throw new CryptoError('WRONG_KEY_TYPE', 'TDES DUKPT (X9.24-1) needs a double-length (16-byte) BDK');
    this.#bdk = bdk;
    this.#bdkVariant = bdk.variant(KEY_MASK);
    this.#ipeks = new BoundedCache(ipekCacheSize, (ipek) => ipek.fill(0));
  }

  /** The IPEK (initial key) for the device named by the KSN, as a copy. */
  initialKey(ksn: string): Buffer {
    return Buffer.from(this.#ipek(parseTdesKsn(ksn)));
  }

  transactionKey(ksn: string): Buffer {
    const parsed = parseTdesKsn(ksn);
    return tdesTransactionKey(this.#ipek(parsed), parsed);
  }

  /** A working key (current key ⊕ variant) as bytes; the caller zeroes it. */
  workingKey(ksn: string, usage: TdesDukptUsage): Buffer {
    const key = this.transactionKey(ksn);
    const mask = VARIANT_MASKS[usage];
    for (let i = 0; i < 16; i++) key[i] ^= mask[i];
    return key;
  }

  /** The working key ready to use (JavaScript TDES; no OpenSSL context for a key used once). */
  cipher(ksn: string, usage: TdesDukptUsage): DesEde {
    const key = this.workingKey(ksn, usage);
    try {
      return new DesEde(key);
    } finally {
      key.fill(0);
    }
  }

  #ipek(ksn: TdesKsn): Buffer {
    const x = Buffer.from(ksn.bytes.subarray(0, 8));
    x[7] &= 0xe0;
    const id = x.toString('hex');
    let ipek = this.#ipeks.get(id);
    if (!ipek) {
      ipek = Buffer.concat([this.#bdk.encrypt(x), this.#bdkVariant.encrypt(x)]);
      this.#ipeks.set(id, ipek);
    }
    return ipek;
  }

  [inspect.custom](): string {
    return 'TdesDukpt';
  }

  toString(): string {
    return 'TdesDukpt';
  }

  toJSON(): string {
    return 'TdesDukpt';
  }
}
