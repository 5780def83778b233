import { hash } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoError } from '../crypto.port.js';
import { AesKey } from './aes.js';
import { hmacKcv } from './kcv.js';
import type { KeyAlgorithm, KeyType, KeyUsage } from './key-types.js';
import { TdesKey } from './tdes.js';

type Material =
  | { algorithm: 'TDES'; key: TdesKey }
  | { algorithm: 'AES'; key: AesKey }
  | { algorithm: 'HMAC'; inner: Buffer; outer: Buffer };

const SHA256_BLOCK = 64;

/**
 * RFC 2104 with the key's two padded blocks made once: HMAC(K, m) = H(K⊕opad ‖ H(K⊕ipad ‖ m)).
 * Two one-shot hashes per message cost about a third of a createHmac (an HMAC object and its two
 * digest contexts per call), which every PAN hash paid.
 */
function hmacPads(clear: Uint8Array): { inner: Buffer; outer: Buffer } {
  const key = clear.length > SHA256_BLOCK ? hash('sha256', clear, 'buffer') : clear;
  const inner = Buffer.alloc(SHA256_BLOCK, 0x36);
  const outer = Buffer.alloc(SHA256_BLOCK, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i] ^= key[i];
    outer[i] ^= key[i];
  }
  return { inner, outer };
}

/**
 * A key unwrapped from the store, ready to use: its label plus the algorithm object built once
 * (TDES/AES contexts, HMAC padded key blocks), so the hot path never re-parses or re-schedules a key.
 * Its string, JSON and inspect forms show only ref, type and KCV.
 */
export class LoadedKey {
  readonly #material: Material;

  private constructor(
    readonly ref: string,
    readonly type: KeyType,
    readonly usage: KeyUsage,
    readonly kcv: string,
    material: Material,
  ) {
    this.#material = material;
  }

  /**
   * Builds the algorithm object from clear bytes and checks them against the stored KCV, which
   * catches a record whose value and KCV disagree (a wrong import, a copy-paste between refs).
   * The caller still owns and should zero `clear`.
   */
  static fromClear(
    label: { ref: string; type: KeyType; usage: KeyUsage; algorithm: KeyAlgorithm; kcv: string },
    clear: Uint8Array,
  ): LoadedKey {
    let material: Material;
    let kcv: string;
    switch (label.algorithm) {
      case 'TDES': {
        const key = new TdesKey(clear);
        material = { algorithm: 'TDES', key };
        kcv = key.kcv();
        break;
      }
      case 'AES': {
        const key = new AesKey(clear);
        material = { algorithm: 'AES', key };
        kcv = key.kcv();
        break;
      }
      case 'HMAC':
        material = { algorithm: 'HMAC', ...hmacPads(clear) };
        kcv = hmacKcv(clear);
        break;
    }
    if (kcv !== label.kcv.toUpperCase()) {
      throw new CryptoError('INTERNAL', `key "${label.ref}": stored key check value does not match the key`);
    }
    return new LoadedKey(label.ref, label.type, label.usage, kcv, material);
  }

  get algorithm(): KeyAlgorithm {
    return this.#material.algorithm;
  }

  tdes(): TdesKey {
    if (this.#material.algorithm !== 'TDES') throw this.#wrongAlgorithm('TDES');
    return this.#material.key;
  }

  aes(): AesKey {
    if (this.#material.algorithm !== 'AES') throw this.#wrongAlgorithm('AES');
    return this.#material.key;
  }

  /** HMAC-SHA-256 under this key. */
  hmacSha256(data: string | Uint8Array): Buffer {
    if (this.#material.algorithm !== 'HMAC') throw this.#wrongAlgorithm('HMAC');
    const { inner, outer } = this.#material;
    const message = typeof data === 'string' ? Buffer.from(data) : data;
    return hash('sha256', Buffer.concat([outer, hash('sha256', Buffer.concat([inner, message]), 'buffer')]), 'buffer');
  }

  #wrongAlgorithm(wanted: KeyAlgorithm): CryptoError {
    return new CryptoError('WRONG_KEY_TYPE', `key "${this.ref}" is ${this.#material.algorithm}; this operation needs ${wanted}`);
  }

  toString(): string {
    return `LoadedKey(${this.ref}, ${this.type}, ${this.algorithm}, KCV ${this.kcv})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
