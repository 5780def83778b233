import type { Pan } from '#domain';
import { CryptoError, type EncryptedPinBlock, type MacAlgorithm, type PinBlockFormat } from '../crypto.port.js';
import { AesKey } from './aes.js';
import { DesEde } from './des.js';
import { AesDukpt } from './dukpt-aes.js';
import { TdesDukpt } from './dukpt-tdes.js';
import { hexToBytes } from './hex.js';
import { KeyRing } from './key-ring.js';
import type { KeyStore } from './key-store.js';
import { checkKeyRef, KEY_LENGTHS } from './key-types.js';
import { Lmk } from './lmk.js';
import { isMacAlgorithm, mac8, type MacMaterial } from './mac.js';
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

/**
 * TEST AND SIMULATOR TOOL — the terminal's side of an ISO 8583 MAC with a clear key (a published
 * demo key): the MAC a terminal puts on its request (`direction` 'request'), or the one it expects
 * on the host's response ('response'). Hex, 16 digits.
 * - Without `ksn`: `keyHex` is the TAK — double-length TDES for ISO9797-1-ALG3, AES for AES-CMAC;
 *   both directions use the same key.
 * - With `ksn`: `keyHex` is a BDK and the key is the DUKPT MAC key for that KSN: X9.24-1 request or
 *   response variant (TDES BDK, ISO9797-1-ALG3), X9.24-3 MAC generation or verification key (AES
 *   BDK, AES-CMAC). The host uses the same pairing (software-hsm.driver.ts).
 */
export function macForTerminal(req: {
  readonly keyHex: string;
  readonly algorithm: MacAlgorithm;
  readonly data: Uint8Array;
  readonly ksn?: string;
  readonly direction: 'request' | 'response';
}): string {
  if (!isMacAlgorithm(req.algorithm)) throw new CryptoError('BAD_INPUT', 'unknown MAC algorithm (ISO9797-1-ALG3 or AES-CMAC)');
  if (req.direction !== 'request' && req.direction !== 'response') throw new CryptoError('BAD_INPUT', 'a MAC direction is request or response');
  const material = terminalMacMaterial(req.keyHex, req.algorithm, req.ksn, req.direction);
  return mac8(material, req.data).toString('hex').toUpperCase();
}

function terminalMacMaterial(keyHex: string, algorithm: MacAlgorithm, ksn: string | undefined, direction: 'request' | 'response'): MacMaterial {
  const bytes = hexToBytes(keyHex, algorithm === 'AES-CMAC' ? 'an AES MAC key' : 'a double-length TDES MAC key', algorithm === 'AES-CMAC' ? KEY_LENGTHS.AES : [16]);
  try {
    if (algorithm === 'AES-CMAC') {
      const key = new AesKey(bytes);
      if (ksn === undefined) return { algorithm, key };
      return { algorithm, key: new AesDukpt(key, 1).cipher(ksn, direction === 'request' ? 'macGeneration' : 'macVerification') };
    }
    if (ksn === undefined) return { algorithm, key: new DesEde(bytes) };
    return { algorithm, key: new TdesDukpt(new TdesKey(bytes), 1).cipher(ksn, direction === 'request' ? 'macRequest' : 'macResponse') };
  } finally {
    bytes.fill(0);
  }
}
