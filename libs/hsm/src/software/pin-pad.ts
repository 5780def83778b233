import type { Pan } from '#domain';
import { CryptoError, type EncryptedPinBlock, type PinBlockFormat } from '../crypto.port.js';
import { hexToBytes } from './hex.js';
import { KeyRing } from './key-ring.js';
import type { KeyStore } from './key-store.js';
import { checkKeyRef, KEY_LENGTHS } from './key-types.js';
import { Lmk } from './lmk.js';
import { encodePinBlock, isTdesPinBlockFormat } from './pin-block.js';
import { TdesKey } from './tdes.js';

/** The PIN key: its clear value (a published demo key) or the LMK and store holding it. */
export type PinPadKey = { readonly keyHex: string } | { readonly lmkHex: string; readonly keyStore: KeyStore };

/**
 * TEST AND SEED TOOL — plays the PIN pad (PED): takes a clear PIN and returns it as an encrypted
 * PIN block under a TPK/ZPK, as a terminal would send it. The demo seed uses it to set cards' PINs
 * through CryptoPort.createPinVerificationData, and tests use it to drive the driver. It is the only
 * place outside the software HSM driver that accepts a clear PIN; production code paths must not
 * call it (a real PIN arrives already encrypted by a PED or an HSM).
 */
export async function encryptPinBlockForSeed(
  req: { readonly pin: string; readonly pan?: Pan; readonly format: PinBlockFormat; readonly keyRef: string } & PinPadKey,
): Promise<EncryptedPinBlock> {
  checkKeyRef(req.keyRef);
  if (!isTdesPinBlockFormat(req.format)) throw new CryptoError('BAD_INPUT', 'the PIN pad does ISO-0, ISO-1 and ISO-3');
  const key = 'keyHex' in req ? clearKey(req.keyHex) : await storedKey(req.keyRef, req.lmkHex, req.keyStore);
  const clear = encodePinBlock({ format: req.format, pin: req.pin, pan: req.pan?.digits() });
  try {
    return { format: req.format, block: key.encrypt(clear).toString('hex').toUpperCase(), keyRef: req.keyRef };
  } finally {
    clear.fill(0);
  }
}

function clearKey(keyHex: string): TdesKey {
  const bytes = hexToBytes(keyHex, 'a TDES PIN key', KEY_LENGTHS.TDES);
  try {
    return new TdesKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

async function storedKey(ref: string, lmkHex: string, keyStore: KeyStore): Promise<TdesKey> {
  const ring = new KeyRing(new Lmk(lmkHex), keyStore, 0);
  const key = await ring.get(ref, { types: ['TPK', 'ZPK'], algorithms: ['TDES'], purpose: 'PIN block encryption' });
  return key.tdes();
}
