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

/** A key as listed for people (key ceremonies): its label, KCV and dates, never its value. */
export interface KeyListing {
  readonly ref: string;
  readonly type: KeyType;
  readonly usage: KeyUsage;
  readonly algorithm: KeyAlgorithm;
  readonly kcv: string;
  readonly status: KeyStatus;
  readonly createdAt: Date;
  readonly retiredAt?: Date;
}

/**
 * Where wrapped keys live (port). The software HSM reads through it; key-admin writes through it.
 * `save` inserts a new ref and fails if the ref exists: keys are replaced by retiring the old ref
 * and adding a new one, never by overwriting. A retired key stays (its ref is never reused, and
 * the record shows what was in use when).
 */
export abstract class KeyStore {
  abstract find(ref: string): Promise<StoredKey | undefined>;
  abstract save(key: NewStoredKey): Promise<void>;
  /** Every key, active and retired, ordered by ref. */
  abstract list(): Promise<KeyListing[]>;
  /** ACTIVE → RETIRED with the time. Unknown ref → UNKNOWN_KEY; already retired → BAD_INPUT. */
  abstract retire(ref: string): Promise<void>;
}

/** In-memory store for tests and tools. */
export class MemoryKeyStore extends KeyStore {
  readonly #keys = new Map<string, StoredKey>();
  readonly #dates = new Map<string, { createdAt: Date; retiredAt?: Date }>();

  async find(ref: string): Promise<StoredKey | undefined> {
    return this.#keys.get(ref);
  }

  async save(key: NewStoredKey): Promise<void> {
    if (this.#keys.has(key.ref)) throw new CryptoError('BAD_INPUT', `key "${key.ref}" already exists`);
    this.#keys.set(key.ref, { ...key, status: key.status ?? 'ACTIVE' });
    this.#dates.set(key.ref, { createdAt: new Date() });
  }

  async list(): Promise<KeyListing[]> {
    return [...this.#keys.values()]
      .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
      .map(({ ref, type, usage, algorithm, kcv, status }) => ({ ref, type, usage, algorithm, kcv, status, ...this.#dates.get(ref)! }));
  }

  async retire(ref: string): Promise<void> {
    const key = this.#keys.get(ref);
    if (!key) throw new CryptoError('UNKNOWN_KEY', `no key "${ref}"`);
    if (key.status === 'RETIRED') throw new CryptoError('BAD_INPUT', `key "${ref}" is already retired`);
    this.#keys.set(ref, { ...key, status: 'RETIRED' });
    this.#dates.set(ref, { ...this.#dates.get(ref)!, retiredAt: new Date() });
  }

  /** For tests: change a stored record in place (relabel, retire, corrupt). */
  replace(ref: string, change: (key: StoredKey) => StoredKey): void {
    const current = this.#keys.get(ref);
    if (!current) throw new Error(`no key "${ref}"`);
    this.#keys.set(ref, change(current));
  }
}
