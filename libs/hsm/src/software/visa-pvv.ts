import { CryptoError } from '../crypto.port.js';
import type { TdesKey } from './tdes.js';

/**
 * Visa PIN Verification Value (payments-facts.md §4.2):
 *   TSP = 11 rightmost PAN digits excluding the check digit ‖ PVKI ‖ 4 leftmost PIN digits
 *   PVV = first 4 decimal digits of TDES(PVK, TSP), scanning the hex left to right; if fewer than
 *         4, a second pass maps A-F to 0-5.
 * Only the first 4 PIN digits take part (Visa's definition), so for longer PINs the PVV checks
 * those 4 alone.
 */
export function visaPvv(pvk: TdesKey, pan: string, pvki: number, pin: string): string {
  if (!/^\d{12,19}$/.test(pan)) throw new CryptoError('BAD_INPUT', 'a PAN is 12 to 19 digits');
  if (!Number.isInteger(pvki) || pvki < 0 || pvki > 9) throw new CryptoError('BAD_INPUT', 'a PVKI is one digit');
  if (!/^\d{4,12}$/.test(pin)) throw new CryptoError('BAD_INPUT', 'a PIN is 4 to 12 digits');
  const tsp = Buffer.from(pan.slice(0, -1).slice(-11) + String(pvki) + pin.slice(0, 4), 'hex');
  const hex = pvk.encrypt(tsp).toString('hex').toUpperCase();
  tsp.fill(0);
  let pvv = '';
  for (const c of hex) {
    if (c <= '9') pvv += c;
    if (pvv.length === 4) return pvv;
  }
  for (const c of hex) {
    if (c >= 'A') pvv += String(c.charCodeAt(0) - 65);
    if (pvv.length === 4) return pvv;
  }
  // 16 nibbles always yield 4 digits across both passes.
  throw new CryptoError('INTERNAL', 'PVV extraction failed');
}
