import type { Pan } from '#domain';
import { CryptoError, type EncryptedPinBlock, type PinBlockFormat } from '../crypto.port.js';
import { AesKey } from './aes.js';
import { AesDukpt } from './dukpt-aes.js';
import { TdesDukpt } from './dukpt-tdes.js';
import { hexToBytes } from './hex.js';
import { KeyRing } from './key-ring.js';
import type { KeyStore } from './key-store.js';
import { checkKeyRef, KEY_LENGTHS } from './key-types.js';
import { Lmk } from './lmk.js';
import { blockFromPin, isPinBlockFormat, pinBlockAlgorithm, type PinKey } from './pin-cipher.js';
import { TdesKey } from './tdes.js';

/** The PIN key: its clear value (a published demo key) or the LMK and store holding it. */
export type PinPadKey = { readonly keyHex: string } | { readonly lmkHex: string; readonly keyStore: KeyStore };

/**
 * TEST AND SEED TOOL — plays the PIN pad (PED): takes a clear PIN and returns it as an encrypted
 * PIN block, as a terminal would send it. The demo seed uses it to set cards' PINs through
 * CryptoPort.createPinVerificationData, and tests use it to drive the driver. It is the only
 * place outside the software HSM driver that accepts a clear PIN; production code paths must not
 * call it (a real PIN arrives already encrypted by a PED or an HSM).
 *
 * - Without `ksn`: the key is a TPK/ZPK; TDES for ISO-0/1/3, AES for ISO-4.
 * - With `ksn`: the key is a BDK and the block is under the DUKPT PIN key for that KSN (X9.24-1
 *   for ISO-0/1/3 with a TDES BDK, X9.24-3 for ISO-4 with an AES BDK). A real terminal holds only
 *   its initial key, which derives the same PIN key.
 */
export async function encryptPinBlockForSeed(
  req: {
    readonly pin: string;
    readonly pan?: Pan;
    readonly format: PinBlockFormat;
    readonly keyRef: string;
    readonly ksn?: string;
  } & PinPadKey,
): Promise<EncryptedPinBlock> {
  checkKeyRef(req.keyRef);
  if (!isPinBlockFormat(req.format)) throw new CryptoError('BAD_INPUT', 'the PIN pad does ISO-0, ISO-1, ISO-3 and ISO-4');
  const algorithm = pinBlockAlgorithm(req.format);
  const key = 'keyHex' in req ? clearKey(req.keyHex, algorithm) : await storedKey(req.keyRef, req.ksn !== undefined, req.lmkHex, req.keyStore);
  const pinKey = req.ksn === undefined ? key : dukptPinKey(key, req.ksn);
  const block = blockFromPin(pinKey, req.format, req.pin, req.pan?.digits(), `key "${req.keyRef}"`);
  return { format: req.format, block, keyRef: req.keyRef, ...(req.ksn === undefined ? {} : { ksn: req.ksn }) };
}

function clearKey(keyHex: string, algorithm: 'TDES' | 'AES'): PinKey {
  const bytes = hexToBytes(keyHex, `a ${algorithm} key`, KEY_LENGTHS[algorithm]);
  try {
    return algorithm === 'AES' ? { algorithm, cipher: new AesKey(bytes) } : { algorithm, cipher: new TdesKey(bytes) };
  } finally {
    bytes.fill(0);
  }
}

async function storedKey(ref: string, isBdk: boolean, lmkHex: string, keyStore: KeyStore): Promise<PinKey> {
  const ring = new KeyRing(new Lmk(lmkHex), keyStore, 0);
  const key = await ring.get(ref, {
    types: isBdk ? ['BDK'] : ['TPK', 'ZPK'],
    algorithms: ['TDES', 'AES'],
    purpose: isBdk ? 'DUKPT PIN block encryption' : 'PIN block encryption',
  });
  return key.algorithm === 'AES' ? { algorithm: 'AES', cipher: key.aes() } : { algorithm: 'TDES', cipher: key.tdes() };
}

/** The DUKPT PIN key under the BDK `key` for `ksn`. */
function dukptPinKey(bdk: PinKey, ksn: string): PinKey {
  if (bdk.algorithm === 'AES') return { algorithm: 'AES', cipher: new AesDukpt(bdk.cipher, 1).cipher(ksn, 'pin') };
  if (!(bdk.cipher instanceof TdesKey)) throw new CryptoError('INTERNAL', 'a TDES BDK is a TdesKey');
  return { algorithm: 'TDES', cipher: new TdesDukpt(bdk.cipher, 1).cipher(ksn, 'pin') };
}
