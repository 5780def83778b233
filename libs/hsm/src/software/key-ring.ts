import { CryptoError } from '../crypto.port.js';
import type { KeyStore } from './key-store.js';
import type { KeyAlgorithm, KeyType } from './key-types.js';
import type { Lmk } from './lmk.js';
import { LoadedKey } from './loaded-key.js';

/** What an operation accepts; checked on every use, cached or not. */
export interface KeyExpectation {
  readonly types: readonly KeyType[];
  readonly algorithms: readonly KeyAlgorithm[];
  /** For messages: "PIN block decryption", "PAN hashing", … */
  readonly purpose: string;
}

interface Entry {
  readonly expiresAt: number;
  readonly promise: Promise<LoadedKey>;
  settled?: LoadedKey;
}

/**
 * Loads keys by ref from the KeyStore, unwraps them under the LMK and keeps the ready-to-use
 * LoadedKey (with its cipher contexts) in memory for `ttlMs`, so the per-query path is a Map lookup
 * and never a database read, an unwrap or a key schedule. The TTL bounds how long an instance keeps
 * using a key retired by another instance; `evict` is for immediate effect. Concurrent first uses
 * share one load. Failed loads are not cached (a key added later is found). Only ACTIVE keys are
 * served: a retired key is treated as absent.
 */
export class KeyRing {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly lmk: Lmk,
    private readonly store: KeyStore,
    private readonly ttlMs: number,
  ) {}

  async get(ref: string, expected: KeyExpectation): Promise<LoadedKey> {
    return checked(await this.#load(ref), expected);
  }

  /**
   * Synchronous variant for the hottest path (hashPan): the key if it is loaded and fresh, else
   * undefined (then call get). Saves a promise and a microtask per call.
   */
  peek(ref: string, expected: KeyExpectation): LoadedKey | undefined {
    const entry = this.#entries.get(ref);
    if (!entry?.settled || entry.expiresAt <= Date.now()) return undefined;
    return checked(entry.settled, expected);
  }

  evict(ref?: string): void {
    if (ref === undefined) this.#entries.clear();
    else this.#entries.delete(ref);
  }

  #load(ref: string): Promise<LoadedKey> {
    const now = Date.now();
    const cached = this.#entries.get(ref);
    if (cached && cached.expiresAt > now) return cached.promise;
    const entry: Entry = { expiresAt: now + this.ttlMs, promise: this.#unwrap(ref) };
    this.#entries.set(ref, entry);
    entry.promise.then(
      (key) => {
        entry.settled = key;
      },
      () => {
        if (this.#entries.get(ref) === entry) this.#entries.delete(ref);
      },
    );
    return entry.promise;
  }

  async #unwrap(ref: string): Promise<LoadedKey> {
    const stored = await this.store.find(ref);
    if (!stored) throw new CryptoError('UNKNOWN_KEY', `no key "${ref}"`);
    if (stored.status !== 'ACTIVE') throw new CryptoError('UNKNOWN_KEY', `key "${ref}" is retired`);
    const clear = this.lmk.unwrap(stored.encryptedValue, stored);
    try {
      return LoadedKey.fromClear(stored, clear);
    } finally {
      clear.fill(0);
    }
  }
}

function checked(key: LoadedKey, expected: KeyExpectation): LoadedKey {
  if (!expected.types.includes(key.type)) {
    throw new CryptoError(
      'WRONG_KEY_TYPE',
      `key "${key.ref}" is a ${key.type} key; ${expected.purpose} needs ${expected.types.join(' or ')}`,
    );
  }
  if (!expected.algorithms.includes(key.algorithm)) {
    throw new CryptoError(
      'WRONG_KEY_TYPE',
      `key "${key.ref}" is ${key.algorithm}; ${expected.purpose} needs ${expected.algorithms.join(' or ')}`,
    );
  }
  return key;
}
