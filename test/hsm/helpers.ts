import { Pan } from '../../libs/domain/src/pan.js';
import { CryptoError } from '../../libs/hsm/src/crypto.port.js';

export const TEST_LMK = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
export const OTHER_LMK = '00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF';

export const pan = (digits: string): Pan => Pan.fromTrusted(digits);

/**
 * The published vectors use PANs that fail the Luhn check (5432101234567890), which the Pan type
 * refuses; the driver only calls digits(), so a stand-in lets those vectors run end to end.
 */
export const vectorPan = (digits: string): Pan => ({ digits: () => digits }) as unknown as Pan;

/** Runs fn, expects a CryptoError, returns it. */
export async function cryptoError(fn: () => unknown): Promise<CryptoError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof CryptoError) return error;
    throw new Error(`expected a CryptoError, got ${String(error)}`);
  }
  throw new Error('expected a CryptoError, nothing was thrown');
}
