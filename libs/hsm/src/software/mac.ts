import { CryptoError, type MacAlgorithm } from '../crypto.port.js';
import type { AesKey } from './aes.js';
import type { DesEde } from './des.js';

/** ISO 9797-1 padding: 1 = zero bits to a whole block (an empty message becomes one zero block), 2 = 80 then zeros. */
export type Iso9797Padding = 1 | 2;

/** ISO 8583 MACs are 8 bytes (fields 64 and 128). */
export const MAC_BYTES = 8;

/**
 * A MAC key ready to use: a double-length TDES key for ISO 9797-1 algorithm 3 (a TAK/ZAK, or a
 * TDES DUKPT MAC variant), or an AES key for CMAC (an AES TAK/ZAK, or an AES DUKPT MAC key).
 */
export type MacMaterial =
  | { readonly algorithm: 'ISO9797-1-ALG3'; readonly key: DesEde }
  | { readonly algorithm: 'AES-CMAC'; readonly key: AesKey };

/**
 * The 8-byte ISO 8583 MAC.
 * - ISO 9797-1 algorithm 3 with padding method 1: ANSI X9.19, the retail MAC ISO 8583 networks use
 *   (zero padding; mac.json vectors for both methods).
 * - AES-CMAC (NIST SP 800-38B) truncated to its leftmost 8 bytes (SP 800-38B §5.4 truncation; the
 *   field holds 8 bytes).
 */
export function mac8(material: MacMaterial, data: Uint8Array): Buffer {
  if (!(data instanceof Uint8Array)) throw new CryptoError('BAD_INPUT', 'MAC data must be bytes');
  return material.algorithm === 'AES-CMAC' ? material.key.cmac(data).subarray(0, MAC_BYTES) : retailMac(material.key, data, 1);
}

export function isMacAlgorithm(value: unknown): value is MacAlgorithm {
  return value === 'ISO9797-1-ALG3' || value === 'AES-CMAC';
}

/**
 * ISO 9797-1 MAC algorithm 3 (psec mac.py; payments-facts.md §6.1): single-DES CBC under K1 (IV 0)
 * over every block but the last; the last block goes through E(K1) D(K2) E(K1), which is two-key
 * TDES, so the chain is H = E(K1, H ⊕ Xi) and the output TDES(H ⊕ Xn). Full 8 bytes, untruncated.
 */
export function retailMac(key: DesEde, data: Uint8Array, padding: Iso9797Padding): Buffer {
  if (key.length !== 16) throw new CryptoError('WRONG_KEY_TYPE', 'ISO 9797-1 algorithm 3 needs a double-length TDES key');
  const padded = iso9797Pad(data, padding);
  const h = Buffer.alloc(8);
  const last = padded.length - 8;
  for (let offset = 0; offset <= last; offset += 8) {
    for (let i = 0; i < 8; i++) h[i] ^= padded[offset + i];
    if (offset < last) key.k1.encryptBlock(h, 0, h, 0);
    else key.encryptBlock(h, 0, h, 0);
  }
  return h;
}

export function iso9797Pad(data: Uint8Array, method: Iso9797Padding): Buffer {
  const length = method === 2 ? data.length + 1 : data.length;
  const padded = Buffer.alloc(Math.max(8, Math.ceil(length / 8) * 8));
  padded.set(data);
  if (method === 2) padded[data.length] = 0x80;
  return padded;
}
