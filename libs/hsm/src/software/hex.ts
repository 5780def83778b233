import { CryptoError, type CryptoErrorCode } from '../crypto.port.js';

const HEX = /^[0-9A-Fa-f]*$/;

/**
 * Strict hex → bytes. Buffer.from(s, 'hex') silently stops at the first bad character and drops an
 * odd trailing digit, which would turn a malformed key or block into a different, valid-looking one.
 * The message names only what was expected, never the input (it may be key or PIN-block material).
 */
export function hexToBytes(
  hex: string,
  what: string,
  lengths: readonly number[],
  code: CryptoErrorCode = 'BAD_INPUT',
): Buffer {
  if (typeof hex !== 'string' || !HEX.test(hex) || !lengths.includes(hex.length / 2)) {
    const digits = lengths.map((n) => String(n * 2)).join(' or ');
    throw new CryptoError(code, `${what} must be ${digits} hex digits`);
  }
  return Buffer.from(hex, 'hex');
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
