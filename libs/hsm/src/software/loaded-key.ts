import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoError } from '../crypto.port.js';
import { AesKey } from './aes.js';
import { hmacKcv } from './kcv.js';
import type { KeyAlgorithm, KeyType, KeyUsage } from './key-types.js';
import { TdesKey } from './tdes.js';

type Material =
  | { algorithm: 'TDES'; key: TdesKey }
  | { algorithm: 'AES'; key: AesKey }
  | { algorithm: 'HMAC'; key: KeyObject };

/**
 * A key unwrapped from the store, ready to use: its label plus the algorithm object built once
 * (TDES/AES contexts, HMAC KeyObject), so the hot path never re-parses or re-schedules a key.
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
        material = { algorithm: 'HMAC', key: createSecretKey(clear) };
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
    return createHmac('sha256', this.#material.key).update(data).digest();
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
