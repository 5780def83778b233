import { randomInt } from 'node:crypto';
import { CryptoError, type PinBlockFormat } from '../crypto.port.js';
import { accountNumber12 } from './pan-fields.js';

/** The 8-byte (TDES) formats this driver handles; ISO-4 (AES, 16 bytes) comes with AES DUKPT. */
export type TdesPinBlockFormat = Extract<PinBlockFormat, 'ISO-0' | 'ISO-1' | 'ISO-3'>;
export const TDES_PIN_BLOCK_FORMATS: readonly TdesPinBlockFormat[] = ['ISO-0', 'ISO-1', 'ISO-3'];

export function isTdesPinBlockFormat(format: string): format is TdesPinBlockFormat {
  return (TDES_PIN_BLOCK_FORMATS as readonly string[]).includes(format);
}

const CONTROL: Readonly<Record<TdesPinBlockFormat, number>> = { 'ISO-0': 0, 'ISO-1': 1, 'ISO-3': 3 };
const PIN = /^\d{4,12}$/;

/**
 * Clear ISO 9564-1 PIN blocks (payments-facts.md §2.1):
 *   format 0: PIN field 0 N PIN F…F, XOR PAN field 0000 + 12 account digits
 *   format 1: PIN field 1 N PIN + random fill 0-F, no PAN
 *   format 3: PIN field 3 N PIN + random fill A-F, XOR the same PAN field as format 0
 * Encryption is the caller's (driver's, PIN pad's) business; these functions see clear blocks only.
 *
 * `fill` exists so published vectors (which fix the random fill) can be reproduced; leave it out.
 */
export function encodePinBlock(req: { format: TdesPinBlockFormat; pin: string; pan?: string; fill?: string }): Buffer {
  const { format, pin } = req;
  if (typeof pin !== 'string' || !PIN.test(pin)) throw new CryptoError('BAD_INPUT', 'a PIN is 4 to 12 digits');
  const fillLength = 14 - pin.length;
  const fill = req.fill === undefined ? randomFill(format, fillLength) : checkedFill(format, req.fill, fillLength);
  const pinField = Buffer.from(CONTROL[format].toString(16) + pin.length.toString(16) + pin + fill, 'hex');
  if (format === 'ISO-1') return pinField;
  xorPanField(pinField, requirePan(format, req.pan));
  return pinField;
}

/**
 * Extracts the PIN from a clear block, checking every structural rule of the format: control
 * nibble, PIN length 4-12, decimal PIN digits, and the fill (all F for format 0, A-F for format 3).
 * A block under the wrong key or with the wrong PAN fails these checks, as on a payShield (error 20).
 * Every failure gives the same message: which rule broke would be an oracle for attacks that probe
 * PIN digits through format errors (the PIN-block attacks in J. Clulow's 2003 thesis on HSM APIs), and
 * the message never holds the block or the PIN.
 */
export function decodePinBlock(format: TdesPinBlockFormat, clearBlock: Uint8Array, pan?: string): string {
  if (clearBlock.length !== 8) throw badBlock(format);
  const field = Buffer.from(clearBlock);
  try {
    if (format !== 'ISO-1') xorPanField(field, requirePan(format, pan));
    // Nibbles read straight from the bytes: this runs on every PIN-verified query.
    const nibble = (k: number): number => (k & 1 ? field[k >> 1] & 0x0f : field[k >> 1] >> 4);
    if (nibble(0) !== CONTROL[format]) throw badBlock(format);
    const length = nibble(1);
    if (length < 4 || length > 12) throw badBlock(format);
    let pin = '';
    for (let k = 2; k < 2 + length; k++) {
      const digit = nibble(k);
      if (digit > 9) throw badBlock(format);
      pin += String.fromCharCode(48 + digit);
    }
    for (let k = 2 + length; k < 16; k++) {
      const fill = nibble(k);
      if ((format === 'ISO-0' && fill !== 0x0f) || (format === 'ISO-3' && fill < 0x0a)) throw badBlock(format);
    }
    return pin;
  } finally {
    field.fill(0);
  }
}

/** XORs the PAN field of formats 0 and 3 (0000 and the 12-digit account number, as BCD) into `block`. */
function xorPanField(block: Buffer, pan: string): void {
  const account = accountNumber12(pan);
  for (let i = 0; i < 6; i++) block[2 + i] ^= ((account.charCodeAt(2 * i) - 48) << 4) | (account.charCodeAt(2 * i + 1) - 48);
}

function requirePan(format: TdesPinBlockFormat, pan: string | undefined): string {
  if (pan === undefined) throw new CryptoError('BAD_INPUT', `PIN block format ${format} needs the PAN`);
  return pan;
}

function randomFill(format: TdesPinBlockFormat, length: number): string {
  switch (format) {
    case 'ISO-0':
      return 'F'.repeat(length);
    case 'ISO-1':
      return Array.from({ length }, () => randomInt(16).toString(16).toUpperCase()).join('');
    case 'ISO-3':
      return Array.from({ length }, () => randomInt(10, 16).toString(16).toUpperCase()).join('');
  }
}

function checkedFill(format: TdesPinBlockFormat, fill: string, length: number): string {
  const allowed = format === 'ISO-0' ? /^F*$/i : format === 'ISO-3' ? /^[A-F]*$/i : /^[0-9A-F]*$/i;
  // A one-character fill is repeated, as the published vectors write it ("fill": "F").
  const full = fill.length === 1 ? fill.repeat(length) : fill;
  if (full.length !== length || !allowed.test(full)) throw new CryptoError('BAD_INPUT', `bad fill for PIN block format ${format}`);
  return full;
}

function badBlock(format: TdesPinBlockFormat): CryptoError {
  return new CryptoError('BAD_PIN_BLOCK', `PIN block does not decode as ${format}`);
}
