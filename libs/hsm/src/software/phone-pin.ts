import { CryptoError } from '../crypto.port.js';
import type { LoadedKey } from './loaded-key.js';

/** Phone-banking PINs are exactly 6 digits (IVR and SMS menus ask for six). */
export const PHONE_PIN_LENGTH = 6;

const VERSION = 'v1';
const DOMAIN = Buffer.from('saldo/phone-pin/v1\0', 'utf8');
const TRUNCATED_BYTES = 16;
const REFERENCE = /^v1:[0-9a-f]{32}$/;

/**
 * Phone-PIN verification data: "v1:" + the first 16 bytes (hex) of
 * HMAC-SHA-256(PHONE_PVK, "saldo/phone-pin/v1\0" ‖ subject ‖ "\0" ‖ PIN).
 * - The key never leaves the HSM, so a copy of the table cannot be brute-forced offline the way a
 *   plain hash of a 6-digit PIN could (10^6 guesses).
 * - The subject (the cardholder) is inside the MAC, so a value copied to another cardholder's row
 *   does not verify there; the PIN is a fixed-length suffix, so subject and PIN cannot run together.
 * - 128 bits of tag is far beyond what online guessing needs; the version prefix allows a change
 *   of scheme (or key) with old values still recognisable.
 */
export function phonePinData(key: LoadedKey, subject: string, pin: string): string {
  if (!/^\d{6}$/.test(pin)) throw new CryptoError('BAD_INPUT', `a phone-banking PIN is ${PHONE_PIN_LENGTH} digits`);
  const mac = key.hmacSha256(
    Buffer.concat([DOMAIN, Buffer.from(subject, 'utf8'), Buffer.from([0]), Buffer.from(pin, 'ascii')]),
  );
  return `${VERSION}:${mac.subarray(0, TRUNCATED_BYTES).toString('hex')}`;
}

export function checkPhoneSubject(subject: string): void {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 256) {
    throw new CryptoError('BAD_INPUT', 'a phone-PIN subject is 1 to 256 characters');
  }
}

export function checkPhonePinReference(reference: string): void {
  if (typeof reference !== 'string' || !REFERENCE.test(reference)) {
    throw new CryptoError('BAD_INPUT', 'phone-PIN verification data is not in the v1 format');
  }
}
