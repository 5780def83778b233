import { randomBytes } from 'node:crypto';
import { CryptoError } from '../crypto.port.js';
import { hexToBytes } from './hex.js';
import { keyCheckValue } from './kcv.js';
import type { KeyStore, StoredKey } from './key-store.js';
import { checkKeySpec, DEFAULT_USAGE, KEY_LENGTHS, type KeyAlgorithm, type KeyType, type KeyUsage } from './key-types.js';
import { Lmk } from './lmk.js';

export interface KeySpec {
  readonly ref: string;
  readonly type: KeyType;
  readonly algorithm: KeyAlgorithm;
  /** TR-31 usage code; default by type (key-types.ts DEFAULT_USAGE). */
  readonly usage?: KeyUsage;
}

export interface KeyInstalled {
  readonly ref: string;
  readonly kcv: string;
}

const DEFAULT_LENGTH: Readonly<Record<KeyAlgorithm, number>> = { TDES: 16, AES: 32, HMAC: 32 };

/**
 * Puts keys into the store, wrapped under the LMK with their KCV. Only the KCV ever comes back.
 * Importing clear key components and TR-31 key blocks is issue 3; `importKey` with a whole clear
 * key is for the demo seed and tests, which install published test keys.
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

  #clear(spec: KeySpec & { readonly clearHex: string; readonly expectedKcv?: string }): Buffer {
    const clear = hexToBytes(spec.clearHex, `a ${spec.algorithm} key`, KEY_LENGTHS[spec.algorithm]);
    if (spec.expectedKcv !== undefined && keyCheckValue(spec.algorithm, clear) !== spec.expectedKcv.toUpperCase()) {
      clear.fill(0);
      throw new CryptoError('BAD_INPUT', `key "${spec.ref}": the key does not have the expected KCV`);
    }
    return clear;
  }

  async #save(spec: KeySpec, clear: Buffer): Promise<KeyInstalled> {
    const label = { ref: spec.ref, type: spec.type, algorithm: spec.algorithm, usage: spec.usage ?? DEFAULT_USAGE[spec.type] };
    const kcv = keyCheckValue(spec.algorithm, clear);
    await this.store.save({ ...label, encryptedValue: this.#lmk.wrap(clear, label), kcv, status: 'ACTIVE' });
    return { ref: spec.ref, kcv };
  }
}

function sameKey(existing: StoredKey, spec: KeySpec, kcv: string): KeyInstalled {
  const usage = spec.usage ?? DEFAULT_USAGE[spec.type];
  if (existing.kcv !== kcv || existing.type !== spec.type || existing.algorithm !== spec.algorithm || existing.usage !== usage) {
    throw new CryptoError('BAD_INPUT', `key "${spec.ref}" already exists with another value or label`);
  }
  return { ref: existing.ref, kcv };
}

function setOddParity(key: Buffer): void {
  for (let i = 0; i < key.length; i++) {
    let ones = 0;
    for (let b = key[i] >> 1; b; b >>= 1) ones += b & 1;
    key[i] = (key[i] & 0xfe) | (ones % 2 === 0 ? 1 : 0);
  }
}
