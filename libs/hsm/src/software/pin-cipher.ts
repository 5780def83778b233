import { CryptoError, type PinBlockFormat } from '../crypto.port.js';
import type { AesKey } from './aes.js';
import { hexToBytes } from './hex.js';
import { decodePinBlock, encodePinBlock, isTdesPinBlockFormat } from './pin-block.js';
import { decipherIso4, encipherIso4 } from './pin-block-iso4.js';

/** What a TDES PIN key needs to do: TdesKey (OpenSSL, fixed keys) and DesEde (JS, DUKPT keys) both fit. */
export interface TdesBlockCipher {
  encrypt(data: Uint8Array): Buffer;
  decrypt(data: Uint8Array): Buffer;
}

/**
 * A key a PIN block is under, ready to use, whatever it came from (a stored TPK/ZPK, or a DUKPT
 * PIN key derived for one KSN). TDES keys carry formats 0, 1 and 3 (8-byte blocks); AES keys
 * carry format 4 (16-byte blocks), as ISO 9564-1:2017 pairs them.
 */
export type PinKey =
  | { readonly algorithm: 'TDES'; readonly cipher: TdesBlockCipher }
  | { readonly algorithm: 'AES'; readonly cipher: AesKey };

export const PIN_BLOCK_FORMATS: readonly PinBlockFormat[] = ['ISO-0', 'ISO-1', 'ISO-3', 'ISO-4'];

export function isPinBlockFormat(format: unknown): format is PinBlockFormat {
  return (PIN_BLOCK_FORMATS as readonly unknown[]).includes(format);
}

/** Formats that bind the PIN to the PAN. A block in one of them is never re-encoded as format 1. */
export function isPanBound(format: PinBlockFormat): boolean {
  return format !== 'ISO-1';
}

export function pinBlockAlgorithm(format: PinBlockFormat): 'TDES' | 'AES' {
  return format === 'ISO-4' ? 'AES' : 'TDES';
}

/** Strict hex of the right length for the format (8 bytes, or 16 for ISO-4) → bytes; else BAD_PIN_BLOCK. */
export function pinBlockBytes(format: PinBlockFormat, hex: string): Buffer {
  return hexToBytes(hex, `an ${format} PIN block`, [format === 'ISO-4' ? 16 : 8], 'BAD_PIN_BLOCK');
}

/** WRONG_KEY_TYPE unless the key's algorithm carries the format (TDES: 0/1/3; AES: 4). */
export function checkPinKeyForFormat(key: PinKey, format: PinBlockFormat, what: string): void {
  const needed = pinBlockAlgorithm(format);
  if (key.algorithm !== needed) {
    throw new CryptoError('WRONG_KEY_TYPE', `PIN block format ${format} needs a ${needed} key; ${what} is ${key.algorithm}`);
  }
}

/**
 * Decrypts and decodes; the clear block is zeroed. `what` names the key in the WRONG_KEY_TYPE
 * message (a ref, never key material).
 */
export function pinFromBlock(key: PinKey, format: PinBlockFormat, block: Uint8Array, pan: string | undefined, what: string): string {
  checkPinKeyForFormat(key, format, what);
  if (key.algorithm === 'AES') return decipherIso4(key.cipher, block, requirePan(pan));
  if (!isTdesPinBlockFormat(format)) throw new CryptoError('INTERNAL', 'PIN block format and key disagree');
  const clear = key.cipher.decrypt(block);
  try {
    return decodePinBlock(format, clear, pan);
  } finally {
    clear.fill(0);
  }
}

/** Encodes and encrypts; returns upper-case hex. */
export function blockFromPin(key: PinKey, format: PinBlockFormat, pin: string, pan: string | undefined, what: string): string {
  checkPinKeyForFormat(key, format, what);
  if (key.algorithm === 'AES') return encipherIso4(key.cipher, pin, requirePan(pan)).toString('hex').toUpperCase();
  if (!isTdesPinBlockFormat(format)) throw new CryptoError('INTERNAL', 'PIN block format and key disagree');
  const clear = encodePinBlock({ format, pin, pan });
  try {
    return key.cipher.encrypt(clear).toString('hex').toUpperCase();
  } finally {
    clear.fill(0);
  }
}

function requirePan(pan: string | undefined): string {
  if (pan === undefined) throw new CryptoError('BAD_INPUT', 'PIN block format ISO-4 needs the PAN');
  return pan;
}
