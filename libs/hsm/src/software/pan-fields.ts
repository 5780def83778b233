import type { Pan } from '#domain';
import { CryptoError } from '../crypto.port.js';

const PAN_DIGITS = /^\d{12,19}$/;

/** Same bounds as the Pan type (ISO/IEC 7812: 12-19 digits); checked again because vectors and tools pass strings. */
export function checkPanDigits(pan: string): void {
  if (typeof pan !== 'string' || !PAN_DIGITS.test(pan)) throw new CryptoError('BAD_INPUT', 'a PAN is 12 to 19 digits');
}

/**
 * The "account number" of ISO 9564 format 0/3 and of payShield commands: the 12 rightmost PAN
 * digits excluding the check digit, left-padded with 0 (payments-facts.md §2.1).
 */
export function accountNumber12(pan: string): string {
  checkPanDigits(pan);
  return pan.slice(0, -1).slice(-12).padStart(12, '0');
}

/** The digits of a Pan given to a driver, checked (callers outside TypeScript may pass anything). */
export function panDigits(pan: Pan): string {
  if (typeof (pan as { digits?: unknown } | undefined)?.digits !== 'function') {
    throw new CryptoError('BAD_INPUT', 'a Pan is required');
  }
  const digits = pan.digits();
  checkPanDigits(digits);
  return digits;
}
