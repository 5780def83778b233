import { randomBytes } from 'node:crypto';
import { CryptoError } from '../crypto.port.js';
import type { AesKey } from './aes.js';
import { checkPanDigits } from './pan-fields.js';

const PIN = /^\d{4,12}$/;

/**
 * ISO 9564-1:2017 format 4, the AES PIN block (payments-facts.md §2.1; moov-io/pinblock iso4.go,
 * psec pinblock.py):
 *   plain PIN field  4 N PIN A…A (to nibble 16) ‖ 8 random bytes
 *   plain PAN field  M PAN 0…0 (32 nibbles), M = PAN length − 12; shorter PANs left-padded to 12
 *   encipher         block = AES(K, AES(K, PIN field) ⊕ PAN field)
 *   decipher         PIN field = AES⁻¹(K, AES⁻¹(K, block) ⊕ PAN field)
 * Unlike formats 0 and 3 the PAN cannot be XOR-ed out of the encrypted block, which is why the
 * steps interleave with the key.
 *
 * `random` exists so published vectors (which fix the 8 random bytes) can be reproduced; leave it out.
 */
export function encipherIso4(key: AesKey, pin: string, pan: string, random?: Uint8Array): Buffer {
  if (typeof pin !== 'string' || !PIN.test(pin)) throw new CryptoError('BAD_INPUT', 'a PIN is 4 to 12 digits');
  if (random !== undefined && random.length !== 8) throw new CryptoError('BAD_INPUT', 'format 4 random fill is 8 bytes');
  const pinField = Buffer.from('4' + pin.length.toString(16) + pin.padEnd(14, 'A'), 'hex');
  const field = Buffer.concat([pinField, random ?? randomBytes(8)]);
  const panField = iso4PanField(pan);
  try {
    const intermediate = key.encrypt(field);
    xorInto(intermediate, panField);
    try {
      return key.encrypt(intermediate);
    } finally {
      intermediate.fill(0);
    }
  } finally {
    field.fill(0);
    pinField.fill(0);
  }
}

/**
 * The PIN from a format 4 block, checking the control nibble, PIN length 4-12, decimal digits and
 * the A fill. As with decodePinBlock, every failure is one message that names nothing.
 */
export function decipherIso4(key: AesKey, block: Uint8Array, pan: string): string {
  if (block.length !== 16) throw badBlock();
  const panField = iso4PanField(pan);
  const intermediate = key.decrypt(block);
  let field: Buffer | undefined;
  try {
    xorInto(intermediate, panField);
    field = key.decrypt(intermediate);
    const nibbles = field.toString('hex', 0, 8).toUpperCase();
    if (nibbles[0] !== '4') throw badBlock();
    const length = parseInt(nibbles[1], 16);
    if (length < 4 || length > 12) throw badBlock();
    const pin = nibbles.slice(2, 2 + length);
    if (!/^\d+$/.test(pin) || !/^A*$/.test(nibbles.slice(2 + length))) throw badBlock();
    return pin;
  } finally {
    intermediate.fill(0);
    field?.fill(0);
  }
}

/** The 16-byte PAN field: M ‖ PAN ‖ zero padding. */
export function iso4PanField(pan: string): Buffer {
  checkPanDigits(pan);
  const digits = pan.padStart(12, '0');
  return Buffer.from((digits.length - 12).toString() + digits.padEnd(31, '0'), 'hex');
}

function badBlock(): CryptoError {
  return new CryptoError('BAD_PIN_BLOCK', 'PIN block does not decode as ISO-4');
}

function xorInto(target: Buffer, other: Buffer): void {
  for (let i = 0; i < target.length; i++) target[i] ^= other[i];
}
