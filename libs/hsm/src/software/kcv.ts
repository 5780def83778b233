import { createHmac } from 'node:crypto';
import { AesKey } from './aes.js';
import type { KeyAlgorithm } from './key-types.js';
import { TdesKey } from './tdes.js';

/**
 * Key check value (3 bytes, 6 upper-case hex) of clear key bytes, so people and systems can compare
 * keys without showing them.
 * - TDES: encrypt 8 zero bytes, first 3 bytes (payments-facts.md §7; 0123…3210 → 08D7B4).
 * - AES: AES-CMAC of 16 zero bytes, first 3 bytes (AWS Payment Cryptography, X9.24-1:2017 style).
 * - HMAC: no standard exists; Saldo uses HMAC-SHA-256 of 16 zero bytes, first 3 bytes, by analogy.
 */
export function keyCheckValue(algorithm: KeyAlgorithm, key: Uint8Array): string {
  switch (algorithm) {
    case 'TDES':
      return new TdesKey(key).kcv();
    case 'AES':
      return new AesKey(key).kcv();
    case 'HMAC':
      return hmacKcv(key);
  }
}

export function hmacKcv(key: Uint8Array): string {
  return createHmac('sha256', key).update(Buffer.alloc(16)).digest().subarray(0, 3).toString('hex').toUpperCase();
}
