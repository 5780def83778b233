import { createCipheriv, createDecipheriv, createSecretKey, type Cipher, type Decipher, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoError } from '../crypto.port.js';

const BLOCK = 16;

/**
 * An AES key (128/192/256) in ECB mode, block by block, with reused encipher and decipher contexts
 * for the same reason as TdesKey (context creation dominates single-block cost). Decryption is for
 * ISO 9564 format 4 PIN blocks; CMAC (below) needs only encryption.
 */
export class AesKey {
  readonly #key: KeyObject;
  readonly #algorithm: 'aes-128-ecb' | 'aes-192-ecb' | 'aes-256-ecb';
  #encipher: Cipher | undefined;
  #decipher: Decipher | undefined;
  #cmacSubkeys: { k1: Buffer; k2: Buffer } | undefined;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new CryptoError('BAD_INPUT', 'an AES key must be 16, 24 or 32 bytes');
    }
    this.#algorithm = key.length === 16 ? 'aes-128-ecb' : key.length === 24 ? 'aes-192-ecb' : 'aes-256-ecb';
    this.#key = createSecretKey(key);
  }

  get algorithm(): string {
    return this.#algorithm;
  }

  /** 16, 24 or 32 bytes. */
  get length(): 16 | 24 | 32 {
    return this.#algorithm === 'aes-128-ecb' ? 16 : this.#algorithm === 'aes-192-ecb' ? 24 : 32;
  }

  encrypt(data: Uint8Array): Buffer {
    checkBlocks(data);
    if (!this.#encipher) {
      this.#encipher = createCipheriv(this.#algorithm, this.#key, null);
      this.#encipher.setAutoPadding(false);
    }
    return this.#encipher.update(data);
  }

  decrypt(data: Uint8Array): Buffer {
    checkBlocks(data);
    if (!this.#decipher) {
      this.#decipher = createDecipheriv(this.#algorithm, this.#key, null);
      this.#decipher.setAutoPadding(false);
    }
    return this.#decipher.update(data);
  }

  /**
   * AES-CMAC (NIST SP 800-38B, RFC 4493). Node has no CMAC API, so it is built on the ECB block
   * function: K1/K2 subkeys from E(0^128), CBC over the blocks, last block XOR K1 (complete) or
   * padded 10* and XOR K2 (incomplete or empty).
   */
  cmac(message: Uint8Array): Buffer {
    this.#cmacSubkeys ??= cmacSubkeys(this.encrypt(Buffer.alloc(BLOCK)));
    const { k1, k2 } = this.#cmacSubkeys;
    const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
    const complete = message.length > 0 && message.length % BLOCK === 0;
    let x: Buffer = Buffer.alloc(BLOCK);
    for (let i = 0; i < blocks; i++) {
      const block = Buffer.alloc(BLOCK);
      const chunk = message.subarray(i * BLOCK, (i + 1) * BLOCK);
      block.set(chunk);
      if (i === blocks - 1) {
        if (!complete) block[chunk.length] = 0x80;
        xorInto(block, complete ? k1 : k2);
      }
      xorInto(block, x);
      x = this.encrypt(block);
    }
    return x;
  }

  /**
   * Key check value for AES keys: AES-CMAC of 16 zero bytes, first 3 bytes (X9.24-1:2017 / TR-31 for
   * AES; AWS Payment Cryptography: "For AES keys, the KCV is computed using a CMAC algorithm where the
   * input data is 16 bytes of zero"). Vector: shared/vectors/mac.json kcv, 00112233…EEFF → 53E107.
   */
  kcv(): string {
    return this.cmac(Buffer.alloc(BLOCK)).subarray(0, 3).toString('hex').toUpperCase();
  }

  /** The older AES KCV (ECB of a zero block, first 3 bytes) some systems still print (mac.json: FDE4FB). */
  kcvEcb(): string {
    return this.encrypt(Buffer.alloc(BLOCK)).subarray(0, 3).toString('hex').toUpperCase();
  }

  [inspect.custom](): string {
    return `AesKey(${this.#algorithm})`;
  }

  toString(): string {
    return `AesKey(${this.#algorithm})`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** A partial block would stay buffered inside the reused context and corrupt the next caller's result. */
function checkBlocks(data: Uint8Array): void {
  if (data.length === 0 || data.length % BLOCK !== 0) {
    throw new CryptoError('BAD_INPUT', 'AES-ECB input must be a whole number of 16-byte blocks');
  }
}

function cmacSubkeys(l: Buffer): { k1: Buffer; k2: Buffer } {
  const k1 = doubleInGf128(l);
  return { k1, k2: doubleInGf128(k1) };
}

/** Left shift by one bit; if the top bit fell off, XOR the constant Rb = 0x87 into the last byte. */
function doubleInGf128(input: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    out[i] = ((input[i] << 1) | (i + 1 < BLOCK ? input[i + 1] >>> 7 : 0)) & 0xff;
  }
  if (input[0] & 0x80) out[BLOCK - 1] ^= 0x87;
  return out;
}

function xorInto(target: Buffer, other: Buffer): void {
  for (let i = 0; i < target.length; i++) target[i] ^= other[i];
}
