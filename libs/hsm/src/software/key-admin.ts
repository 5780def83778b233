import { randomBytes } from 'node:crypto';
import { CryptoError } from '../crypto.port.js';
import { hexToBytes } from './hex.js';
import { keyCheckValue } from './kcv.js';
import type { KeyListing, KeyStore, StoredKey } from './key-store.js';
import { checkKeyRef, checkKeySpec, defaultUsage, KEY_LENGTHS, type KeyAlgorithm, type KeyType, type KeyUsage } from './key-types.js';
import { Lmk } from './lmk.js';

export interface KeySpec {
  readonly ref: string;
  readonly type: KeyType;
  readonly algorithm: KeyAlgorithm;
  /** TR-31 usage code; default by type and algorithm (key-types.ts defaultUsage). */
  readonly usage?: KeyUsage;
}

export interface KeyInstalled {
  readonly ref: string;
  readonly kcv: string;
}

/** A clear key component as a key custodian enters it, with the KCV printed on its form. */
export interface KeyComponent {
  readonly hex: string;
  readonly kcv: string;
}

export interface KeyFormed extends KeyInstalled {
  /** Things the operator should know that are not errors (no key material in them). */
  readonly notices: readonly string[];
}

const DEFAULT_LENGTH: Readonly<Record<KeyAlgorithm, number>> = { TDES: 16, AES: 32, HMAC: 32 };
const KCV = /^[0-9A-Fa-f]{6}$/;

/**
 * Puts keys into the store, wrapped under the LMK with their KCV. Only the KCV ever comes back.
 * `importComponents` is the key ceremony's way in (split knowledge: two or more custodians' clear
 * components, XOR-ed); `importKey` with a whole clear key is for the demo seed and tests, which
 * install published test keys. TR-31 key-block import is not here yet.
 */
export class KeyAdmin {
  readonly #lmk: Lmk;

  constructor(
    lmkHex: string,
    private readonly store: KeyStore,
  ) {
    this.#lmk = new Lmk(lmkHex);
  }

  /** A new random key (TDES with odd parity per byte, the DES convention HSMs check). */
  async generateKey(spec: KeySpec & { readonly lengthBytes?: number }): Promise<KeyInstalled> {
    checkKeySpec(spec);
    const length = spec.lengthBytes ?? DEFAULT_LENGTH[spec.algorithm];
    if (!KEY_LENGTHS[spec.algorithm].includes(length)) {
      throw new CryptoError('BAD_INPUT', `a ${spec.algorithm} key is ${KEY_LENGTHS[spec.algorithm].join(', ')} bytes`);
    }
    const clear = randomBytes(length);
    if (spec.algorithm === 'TDES') setOddParity(clear);
    try {
      return await this.#save(spec, clear);
    } finally {
      clear.fill(0);
    }
  }

  /** Installs a known clear key (demo seed, tests). `expectedKcv`, when given, must match. */
  async importKey(spec: KeySpec & { readonly clearHex: string; readonly expectedKcv?: string }): Promise<KeyInstalled> {
    checkKeySpec(spec);
    const clear = this.#clear(spec);
    try {
      return await this.#save(spec, clear);
    } finally {
      clear.fill(0);
    }
  }

  /**
   * Idempotent importKey for seeds: nothing happens if the ref already holds this key (same KCV)
   * with the same type, algorithm and usage; a ref holding anything else is an error, never
   * overwritten.
   */
  async ensureKey(
    spec: KeySpec & { readonly clearHex: string; readonly expectedKcv?: string },
  ): Promise<KeyInstalled & { readonly created: boolean }> {
    checkKeySpec(spec);
    const clear = this.#clear(spec);
    try {
      const kcv = keyCheckValue(spec.algorithm, clear);
      const existing = await this.store.find(spec.ref);
      if (existing) return { ...sameKey(existing, spec, kcv), created: false };
      try {
        return { ...(await this.#save(spec, clear)), created: true };
      } catch (error) {
        // Another process may have installed it in between (two seeds at once): accept it if it matches.
        const raced = await this.store.find(spec.ref);
        if (raced) return { ...sameKey(raced, spec, kcv), created: false };
        throw error;
      }
    } finally {
      clear.fill(0);
    }
  }

  /**
   * Forms a key from clear components (split knowledge, dual control), as an HSM's "form key from
   * components" does:
   * - at least two components, all of one valid length for the algorithm, no two alike (equal
   *   components cancel out);
   * - each component must match its KCV (the custodian's typing check) before anything is combined;
   * - the key is their XOR; for TDES it is then set to odd parity per byte (XOR-ing an even number
   *   of odd-parity components gives even parity; DES ignores parity bits, so the KCV is unchanged);
   *   TDES components without odd parity are accepted (DES ignores the bit) with a notice, since
   *   it often means a component was produced by a tool that does not set parity;
   * - `expectedKcv`, when given, must match the formed key.
   * Errors name components by position only, never their value or computed KCV.
   */
  async importComponents(
    spec: KeySpec & { readonly components: readonly KeyComponent[]; readonly expectedKcv?: string },
  ): Promise<KeyFormed> {
    checkKeySpec(spec);
    const { algorithm } = spec;
    if (!Array.isArray(spec.components) || spec.components.length < 2) {
      throw new CryptoError('BAD_INPUT', 'a key is formed from at least two components');
    }
    if (spec.expectedKcv !== undefined && !KCV.test(spec.expectedKcv)) throw new CryptoError('BAD_INPUT', 'a KCV is 6 hex digits');
    const parts: Buffer[] = [];
    const notices: string[] = [];
    try {
      spec.components.forEach((component: KeyComponent | undefined, index) => {
        const n = index + 1;
        const kcv: unknown = component?.kcv;
        if (component === undefined || typeof kcv !== 'string' || !KCV.test(kcv)) {
          throw new CryptoError('BAD_INPUT', `component ${n}: a KCV is 6 hex digits`);
        }
        const part = hexToBytes(component.hex, `component ${n}`, KEY_LENGTHS[algorithm]);
        parts.push(part);
        if (part.length !== parts[0].length) throw new CryptoError('BAD_INPUT', `component ${n} is not as long as component 1`);
        if (keyCheckValue(algorithm, part) !== kcv.toUpperCase()) {
          throw new CryptoError('BAD_INPUT', `component ${n} does not match its KCV (check the digits)`);
        }
        const twin = parts.findIndex((other, i) => i < index && other.equals(part));
        if (twin >= 0) throw new CryptoError('BAD_INPUT', `components ${twin + 1} and ${n} are identical`);
        if (algorithm === 'TDES' && !hasOddParity(part)) {
          notices.push(`component ${n} does not have odd parity (DES ignores parity bits; the formed key gets odd parity)`);
        }
      });
      const key = Buffer.alloc(parts[0].length);
      try {
        for (const part of parts) for (let i = 0; i < key.length; i++) key[i] ^= part[i];
        if (algorithm === 'TDES') setOddParity(key);
        const kcv = keyCheckValue(algorithm, key);
        if (spec.expectedKcv !== undefined && kcv !== spec.expectedKcv.toUpperCase()) {
          throw new CryptoError('BAD_INPUT', `key "${spec.ref}": the formed key does not have the expected KCV`);
        }
        return { ...(await this.#save(spec, key)), notices };
      } finally {
        key.fill(0);
      }
    } finally {
      for (const part of parts) part.fill(0);
    }
  }

  /** Retires a key: the driver stops serving it (after its cache TTL, or at once with evictKeys). */
  async retireKey(ref: string): Promise<void> {
    checkKeyRef(ref);
    await this.store.retire(ref);
  }

  /** Every key's label, status, KCV and dates; never a value. */
  async listKeys(): Promise<KeyListing[]> {
    return this.store.list();
  }

  #clear(spec: KeySpec & { readonly clearHex: string; readonly expectedKcv?: string }): Buffer {
    const clear = hexToBytes(spec.clearHex, `a ${spec.algorithm} key`, KEY_LENGTHS[spec.algorithm]);
    if (spec.expectedKcv !== undefined && keyCheckValue(spec.algorithm, clear) !== spec.expectedKcv.toUpperCase()) {
      clear.fill(0);
      throw new CryptoError('BAD_INPUT', `key "${spec.ref}": the key does not have the expected KCV`);
    }
    return clear;
  }

  async #save(spec: KeySpec, clear: Buffer): Promise<KeyInstalled> {
    const label = { ref: spec.ref, type: spec.type, algorithm: spec.algorithm, usage: spec.usage ?? defaultUsage(spec.type, spec.algorithm) };
    const kcv = keyCheckValue(spec.algorithm, clear);
    await this.store.save({ ...label, encryptedValue: this.#lmk.wrap(clear, label), kcv, status: 'ACTIVE' });
    return { ref: spec.ref, kcv };
  }
}

function sameKey(existing: StoredKey, spec: KeySpec, kcv: string): KeyInstalled {
  const usage = spec.usage ?? defaultUsage(spec.type, spec.algorithm);
  if (existing.kcv !== kcv || existing.type !== spec.type || existing.algorithm !== spec.algorithm || existing.usage !== usage) {
    throw new CryptoError('BAD_INPUT', `key "${spec.ref}" already exists with another value or label`);
  }
  return { ref: existing.ref, kcv };
}

function hasOddParity(key: Buffer): boolean {
  for (const byte of key) {
    let ones = 0;
    for (let b = byte; b; b >>= 1) ones += b & 1;
    if (ones % 2 === 0) return false;
  }
  return true;
}

function setOddParity(key: Buffer): void {
  for (let i = 0; i < key.length; i++) {
    let ones = 0;
    for (let b = key[i] >> 1; b; b >>= 1) ones += b & 1;
    key[i] = (key[i] & 0xfe) | (ones % 2 === 0 ? 1 : 0);
  }
}
