import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoError } from '../crypto.port.js';
import { AesKey } from './aes.js';
import type { KeyAlgorithm, KeyType, KeyUsage } from './key-types.js';

/** The attributes a wrapped key is bound to. Changing any of them in the store makes unwrap fail. */
export interface KeyLabel {
  readonly ref: string;
  readonly type: KeyType;
  readonly usage: KeyUsage;
  readonly algorithm: KeyAlgorithm;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The local master key of the software HSM (an AES-256 key from HSM_LMK) and the way stored keys
 * are wrapped under it: AES-256-GCM with a random 96-bit IV, and the key's label (ref, type, usage,
 * algorithm) as additional authenticated data. The AAD plays the part of a TR-31 key-block header:
 * a stored PVK cannot be relabelled as a TPK or moved to another ref without unwrap failing.
 *
 * Stored form: "v1:" + base64(iv ‖ tag ‖ ciphertext). The version prefix lets a later scheme (a
 * real key block, another LMK) coexist with this one.
 */
export class Lmk {
  readonly #key: KeyObject;
  readonly kcv: string;

  constructor(lmkHex: string) {
    if (typeof lmkHex !== 'string' || !/^[0-9A-Fa-f]{64}$/.test(lmkHex)) {
      throw new CryptoError('BAD_INPUT', 'the LMK must be 64 hex digits (an AES-256 key)');
    }
    const bytes = Buffer.from(lmkHex, 'hex');
    this.#key = createSecretKey(bytes);
    this.kcv = new AesKey(bytes).kcv();
    bytes.fill(0);
  }

  wrap(clear: Uint8Array, label: KeyLabel): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(label));
    const ciphertext = Buffer.concat([cipher.update(clear), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
  }

  /**
   * Returns the clear key bytes; the caller zeroes them when done. Any failure (unknown version,
   * truncated value, wrong LMK, altered value or label) is one INTERNAL error naming only the ref:
   * for the caller it means "this stored key is unusable", and the cause is for an operator.
   */
  unwrap(wrapped: string, label: KeyLabel): Buffer {
    const fail = () =>
      new CryptoError('INTERNAL', `key "${label.ref}" cannot be unwrapped under the LMK (another LMK, or an altered record)`);
    const [version, body, extra] = typeof wrapped === 'string' ? wrapped.split(':') : [];
    if (version !== VERSION || body === undefined || extra !== undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw fail();
    const raw = Buffer.from(body, 'base64');
    if (raw.length <= IV_BYTES + TAG_BYTES) throw fail();
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(label));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const clear = decipher.update(raw.subarray(IV_BYTES + TAG_BYTES));
    try {
      decipher.final();
    } catch {
      clear.fill(0);
      throw fail();
    }
    return clear;
  }

  [inspect.custom](): string {
    return `Lmk(KCV ${this.kcv})`;
  }

  toString(): string {
    return `Lmk(KCV ${this.kcv})`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** A JSON array is an unambiguous encoding (no field can bleed into the next, whatever it contains). */
function aad(label: KeyLabel): Buffer {
  return Buffer.from(JSON.stringify(['saldo-key', VERSION, label.ref, label.type, label.usage, label.algorithm]), 'utf8');
}
