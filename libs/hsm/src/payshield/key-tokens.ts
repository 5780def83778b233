import { CryptoError } from '../crypto.port.js';
import type { KeyStore } from '../software/key-store.js';
import { checkKeyRef, type KeyAlgorithm, type KeyType } from '../software/key-types.js';
import { encodeKeyToken } from './key-token.js';

/** A key as the payShield driver sends it: its token, with the label the driver picks commands by. */
export interface KeyTokenEntry {
  readonly ref: string;
  readonly type: KeyType;
  readonly algorithm: KeyAlgorithm;
  readonly token: string;
}

/** What an operation accepts (checked before anything is sent, as the software HSM's KeyRing does). */
export interface TokenExpectation {
  readonly types: readonly KeyType[];
  readonly algorithms: readonly KeyAlgorithm[];
  readonly purpose: string;
}

interface Entry {
  readonly expiresAt: number;
  readonly promise: Promise<KeyTokenEntry>;
  settled?: KeyTokenEntry;
}

/**
 * The driver's side of "keys under the LMK": reads a key record by ref from the KeyStore (the
 * `keys` table), turns it into its key token once, and keeps the token for `ttlMs`, so the
 * per-query path is a Map lookup, never a database read. The driver never sees a clear key and
 * needs no LMK. Only ACTIVE keys are served; failed reads are not cached; concurrent first uses
 * share one read.
 */
export class KeyTokens {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly store: KeyStore,
    private readonly ttlMs: number,
  ) {}

  async get(ref: string, expected: TokenExpectation): Promise<KeyTokenEntry> {
    return checked(this.peek(ref) ?? (await this.#load(ref)), expected);
  }

  /** The cached entry if fresh (no promise, no microtask), else undefined. */
  peek(ref: string): KeyTokenEntry | undefined {
    const entry = this.#entries.get(ref);
    return entry?.settled && entry.expiresAt > Date.now() ? entry.settled : undefined;
  }

  evict(ref?: string): void {
    if (ref === undefined) this.#entries.clear();
    else this.#entries.delete(ref);
  }

  #load(ref: string): Promise<KeyTokenEntry> {
    const now = Date.now();
    const cached = this.#entries.get(ref);
    if (cached && cached.expiresAt > now) return cached.promise;
    checkKeyRef(ref);
    const entry: Entry = { expiresAt: now + this.ttlMs, promise: this.#read(ref) };
    this.#entries.set(ref, entry);
    entry.promise.then(
      (value) => {
        entry.settled = value;
      },
      () => {
        if (this.#entries.get(ref) === entry) this.#entries.delete(ref);
      },
    );
    return entry.promise;
  }

  async #read(ref: string): Promise<KeyTokenEntry> {
    const stored = await this.store.find(ref);
    if (!stored) throw new CryptoError('UNKNOWN_KEY', `no key "${ref}"`);
    if (stored.status !== 'ACTIVE') throw new CryptoError('UNKNOWN_KEY', `key "${ref}" is retired`);
    return { ref: stored.ref, type: stored.type, algorithm: stored.algorithm, token: encodeKeyToken(stored) };
  }
}

export function checked(entry: KeyTokenEntry, expected: TokenExpectation): KeyTokenEntry {
  if (!expected.types.includes(entry.type)) {
    throw new CryptoError(
      'WRONG_KEY_TYPE',
      `key "${entry.ref}" is a ${entry.type} key; ${expected.purpose} needs ${expected.types.join(' or ')}`,
    );
  }
  if (!expected.algorithms.includes(entry.algorithm)) {
    throw new CryptoError(
      'WRONG_KEY_TYPE',
      `key "${entry.ref}" is ${entry.algorithm}; ${expected.purpose} needs ${expected.algorithms.join(' or ')}`,
    );
  }
  return entry;
}
