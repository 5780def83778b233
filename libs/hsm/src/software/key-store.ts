import { CryptoError } from '../crypto.port.js';
import type { KeyAlgorithm, KeyStatus, KeyType, KeyUsage } from './key-types.js';

/** A key as stored: its value only ever wrapped under the LMK (see lmk.ts), with its KCV. */
export interface StoredKey {
  readonly ref: string;
  readonly type: KeyType;
  readonly usage: KeyUsage;
  readonly algorithm: KeyAlgorithm;
  /** Lmk.wrap output, e.g. "v1:…". */
  readonly encryptedValue: string;
  /** 6 upper-case hex. */
  readonly kcv: string;
  readonly status: KeyStatus;
}

export type NewStoredKey = Omit<StoredKey, 'status'> & { readonly status?: KeyStatus };

/**
 * Where wrapped keys live (port). The software HSM reads through it; key-admin writes through it.
 * `save` inserts a new ref and fails if the ref exists: keys are replaced by retiring the old ref
 * and adding a new one, never by overwriting.
 */
export abstract class KeyStore {
  abstract find(ref: string): Promise<StoredKey | undefined>;
  abstract save(key: NewStoredKey): Promise<void>;
}

/** In-memory store for tests and tools. */
export class MemoryKeyStore extends KeyStore {
  readonly #keys = new Map<string, StoredKey>();

  async find(ref: string): Promise<StoredKey | undefined> {
    return this.#keys.get(ref);
  }

  async save(key: NewStoredKey): Promise<void> {
    if (this.#keys.has(key.ref)) throw new CryptoError('BAD_INPUT', `key "${key.ref}" already exists`);
    this.#keys.set(key.ref, { ...key, status: key.status ?? 'ACTIVE' });
  }

  /** For tests: change a stored record in place (relabel, retire, corrupt). */
  replace(ref: string, change: (key: StoredKey) => StoredKey): void {
    const current = this.#keys.get(ref);
    if (!current) throw new Error(`no key "${ref}"`);
    this.#keys.set(ref, change(current));
  }
}
