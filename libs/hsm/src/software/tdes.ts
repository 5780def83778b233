import { createCipheriv, createDecipheriv, createSecretKey, type Cipher, type Decipher, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoError } from '../crypto.port.js';
import { DesEde } from './des.js';

const BLOCK = 8;

/**
 * A TDES key (2-key 16 bytes or 3-key 24 bytes) in ECB mode, block by block.
 *
 * Why the cipher contexts are kept: creating an OpenSSL context costs ~3 µs, several times the DES
 * work itself (shared/notes/lean-limit.md, performance-security-facts.md §B.4: 3.56 µs per block with
 * createCipheriv each time against 1.44 µs with a reused context). With auto-padding off, ECB keeps
 * no state between update() calls as long as every call is a whole number of blocks, so one
 * encipher and one decipher context per key can serve every request. Node runs this synchronously,
 * so calls never interleave. final() is never called (it would end the context).
 *
 * The key bytes live only in a KeyObject (native memory; its inspect form shows no bytes).
 */
export class TdesKey {
  readonly #key: KeyObject;
  readonly #algorithm: 'des-ede-ecb' | 'des-ede3-ecb';
  #encipher: Cipher | undefined;
  #decipher: Decipher | undefined;
  #js: DesEde | undefined;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24) {
      throw new CryptoError('BAD_INPUT', 'a TDES key must be 16 or 24 bytes');
    }
    this.#algorithm = key.length === 16 ? 'des-ede-ecb' : 'des-ede3-ecb';
    this.#key = createSecretKey(key);
  }

  /** 16 (double length, two-key) or 24 (triple length) bytes. */
  get length(): 16 | 24 {
    return this.#algorithm === 'des-ede-ecb' ? 16 : 24;
  }

  /**
   * Single DES as TDES with K1 = K2 (= K3): E(K) D(K) E(K) = E(K). OpenSSL 3's default provider has
   * no plain DES (DESIGN.md §6), and IBM 3624, retail MAC and DUKPT need single-DES steps.
   */
  static singleDes(key: Uint8Array): TdesKey {
    if (key.length !== 8) throw new CryptoError('BAD_INPUT', 'a single-DES key must be 8 bytes');
    const doubled = Buffer.concat([key, key]);
    try {
      return new TdesKey(doubled);
    } finally {
      doubled.fill(0);
    }
  }

  encrypt(data: Uint8Array): Buffer {
    checkBlocks(data);
    this.#encipher ??= newContext(createCipheriv(this.#algorithm, this.#key, null));
    return this.#encipher.update(data);
  }

  decrypt(data: Uint8Array): Buffer {
    checkBlocks(data);
    this.#decipher ??= newContext(createDecipheriv(this.#algorithm, this.#key, null));
    return this.#decipher.update(data);
  }

  /**
   * The key XOR `mask` (a key variant, e.g. X9.24-1's C0C0C0C000000000C0C0C0C000000000 for the
   * right half of an IPEK), as a new key. The clear bytes exist only inside this call.
   */
  variant(mask: Uint8Array): TdesKey {
    if (mask.length !== this.length) throw new CryptoError('BAD_INPUT', 'a key variant mask has the key length');
    const bytes = this.#key.export();
    try {
      for (let i = 0; i < bytes.length; i++) bytes[i] ^= mask[i];
      return new TdesKey(bytes);
    } finally {
      bytes.fill(0);
    }
  }

  /**
   * The same key as a JavaScript DES schedule (des.ts), built once, for work that needs the single-DES
   * halves (ISO 9797-1 algorithm 3 chains with K1 alone) and no OpenSSL context per call.
   */
  js(): DesEde {
    if (!this.#js) {
      const bytes = this.#key.export();
      try {
        this.#js = new DesEde(bytes);
      } finally {
        bytes.fill(0);
      }
    }
    return this.#js;
  }

  /** Key check value: TDES-encrypt 8 zero bytes, first 3 bytes as 6 hex (payments-facts.md §7). */
  kcv(): string {
    return this.encrypt(Buffer.alloc(BLOCK)).subarray(0, 3).toString('hex').toUpperCase();
  }

  [inspect.custom](): string {
    return `TdesKey(${this.#algorithm})`;
  }

  toString(): string {
    return `TdesKey(${this.#algorithm})`;
  }

  toJSON(): string {
    return this.toString();
  }
}

function newContext<T extends Cipher | Decipher>(context: T): T {
  context.setAutoPadding(false);
  return context;
}

/** A partial block would stay buffered inside the reused context and corrupt the next caller's result. */
function checkBlocks(data: Uint8Array): void {
  if (data.length === 0 || data.length % BLOCK !== 0) {
    throw new CryptoError('BAD_INPUT', 'TDES-ECB input must be a whole number of 8-byte blocks');
  }
}
