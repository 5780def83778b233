import { CryptoError } from '../crypto.port.js';
import type { TdesKey } from './tdes.js';

/**
 * IBM 3624 PIN offset (payments-facts.md §4.1):
 *   1. validation data: 16 hex nibbles (see ibm3624ValidationData);
 *   2. encrypt it with the PVK (TDES; a single-length PVK is TdesKey.singleDes);
 *   3. decimalize every nibble through the 16-digit decimalization table;
 *   4. the first L digits are the natural PIN;
 *   5. offset_i = (PIN_i − natural_i) mod 10.
 * The offset has the PIN's length (check length = PIN length).
 */
export function ibm3624Offset(pvk: TdesKey, validationData: string, decimalizationTable: string, pin: string): string {
  if (!/^\d{4,12}$/.test(pin)) throw new CryptoError('BAD_INPUT', 'a PIN is 4 to 12 digits');
  const natural = naturalPin(pvk, validationData, decimalizationTable, pin.length);
  let offset = '';
  for (let i = 0; i < pin.length; i++) {
    offset += String((pin.charCodeAt(i) - natural.charCodeAt(i) + 10) % 10);
  }
  return offset;
}

/** The natural PIN, the first `length` decimalized digits of E(PVK, validation data). */
export function naturalPin(pvk: TdesKey, validationData: string, decimalizationTable: string, length: number): string {
  if (!/^[0-9A-F]{16}$/i.test(validationData)) throw new CryptoError('BAD_INPUT', 'IBM 3624 validation data is 16 hex digits');
  checkDecimalizationTable(decimalizationTable);
  const hex = pvk.encrypt(Buffer.from(validationData, 'hex')).toString('hex');
  let natural = '';
  for (let i = 0; i < length; i++) natural += decimalizationTable[parseInt(hex[i], 16)];
  return natural;
}

/**
 * Validation data as payShield and psec define it: `length` digits of `source` from `start`,
 * right-padded to 16 nibbles with `pad` (one hex character).
 */
export function ibm3624ValidationData(source: string, start: number, length: number, pad: string): string {
  if (!/^[0-9A-F]$/i.test(pad)) throw new CryptoError('BAD_INPUT', 'the IBM 3624 pad is one hex digit');
  if (start < 0 || length < 1 || start + length > source.length || length > 16) {
    throw new CryptoError('BAD_INPUT', 'IBM 3624 validation data range is outside its source');
  }
  return source.slice(start, start + length).padEnd(16, pad.toUpperCase()).toUpperCase();
}

export function checkDecimalizationTable(table: string): void {
  if (!/^\d{16}$/.test(table)) throw new CryptoError('BAD_INPUT', 'a decimalization table is 16 decimal digits');
}
