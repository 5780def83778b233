import { timingSafeEqual } from 'node:crypto';
import type { Pan } from '#domain';
import {
  CryptoError,
  CryptoPort,
  type CryptoHealth,
  type EncryptedPinBlock,
  type MacAlgorithm,
  type MacCheck,
  type MacKey,
  type PinBlockFormat,
  type PinCheck,
  type PinMethod,
  type PinVerificationData,
} from '../crypto.port.js';
import { constantTimeEqual } from './constant-time.js';
import { AesDukpt } from './dukpt-aes.js';
import { TdesDukpt } from './dukpt-tdes.js';
import { checkDecimalizationTable, ibm3624Offset, ibm3624ValidationData } from './ibm3624.js';
import { KeyRing, type KeyExpectation } from './key-ring.js';
import type { KeyStore } from './key-store.js';
import { checkKeyRef, KEY_ALGORITHMS, KEY_TYPES } from './key-types.js';
import { Lmk } from './lmk.js';
import type { LoadedKey } from './loaded-key.js';
import { isMacAlgorithm, mac8, MAC_BYTES, type MacMaterial } from './mac.js';
import { accountNumber12, panDigits } from './pan-fields.js';
import { checkPhonePinReference, checkPhoneSubject, PHONE_PIN_LENGTH, phonePinData } from './phone-pin.js';
import {
  blockFromPin,
  checkPinKeyForFormat,
  isPanBound,
  isPinBlockFormat,
  pinBlockAlgorithm,
  pinBlockBytes,
  pinFromBlock,
  type PinKey,
} from './pin-cipher.js';
import type { TdesKey } from './tdes.js';
import { visaPvv } from './visa-pvv.js';

export interface SoftwareHsmOptions {
  /** HMAC key (type PAN_HASH) for hashPan. Default "PAN_HASH". */
  readonly panHashKeyRef?: string;
  /** PVK (type PVK, TDES) for Visa PVV. Default "PVK". */
  readonly pvkRef?: string;
  /** PVK index written into new PVV references and accepted when verifying. Default 1. */
  readonly pvki?: number;
  readonly ibm3624?: {
    /** PVK for IBM 3624 offsets. Default: the same as pvkRef. */
    readonly pvkRef?: string;
    /** Default "0123456789012345", the usual IBM table (hex nibble n → n mod 10). */
    readonly decimalizationTable?: string;
    /** Pad character for the validation data. Default "F". */
    readonly pad?: string;
  };
  /** HMAC key (type PHONE_PVK) for phone-banking PINs. Default "PHONE_PVK". */
  readonly phonePvkRef?: string;
  /** How long an unwrapped key stays in memory before it is re-read from the store. Default 5 min. */
  readonly keyCacheTtlMs?: number;
  /** DUKPT initial keys (IPEK / IK) kept per BDK, one per terminal (least recently used go first). Default 10,000. */
  readonly dukptInitialKeyCacheSize?: number;
  /** Only for health(): says the development LMK is in use. */
  readonly usesDevelopmentLmk?: boolean;
}

const PIN_BLOCK_KEY: KeyExpectation = { types: ['TPK', 'ZPK'], algorithms: ['TDES', 'AES'], purpose: 'PIN block encryption' };
const BDK: KeyExpectation = { types: ['BDK'], algorithms: ['TDES', 'AES'], purpose: 'DUKPT (a KSN was given)' };
const MAC_KEY: KeyExpectation = { types: ['TAK', 'ZAK'], algorithms: ['TDES', 'AES'], purpose: 'MAC' };
const ANY_KEY: KeyExpectation = { types: KEY_TYPES, algorithms: KEY_ALGORITHMS, purpose: 'a key check value' };
/** The algorithm each MAC algorithm needs, for fixed keys and for DUKPT BDKs alike. */
const MAC_KEY_ALGORITHM: Readonly<Record<MacAlgorithm, 'TDES' | 'AES'>> = { 'ISO9797-1-ALG3': 'TDES', 'AES-CMAC': 'AES' };
const MAC_HEX = /^[0-9A-Fa-f]{16}$/;
const PVK: KeyExpectation = { types: ['PVK'], algorithms: ['TDES'], purpose: 'PIN verification' };
const PAN_HASH: KeyExpectation = { types: ['PAN_HASH'], algorithms: ['HMAC'], purpose: 'PAN hashing' };
const PHONE_PVK: KeyExpectation = { types: ['PHONE_PVK'], algorithms: ['HMAC'], purpose: 'phone-PIN verification' };

const PVV_REFERENCE = /^(\d):(\d{4})$/;
const IBM_OFFSET = /^\d{4,12}$/;

/**
 * The in-process software HSM (DESIGN.md §4: the embedded default when HSM_URL is not set).
 *
 * Keys are referred to by ref, loaded from the KeyStore, unwrapped under the LMK and cached in
 * memory (KeyRing). A clear PIN exists only in local variables of the methods below, between
 * decrypting the PIN block and computing the verification value; it is never stored, logged, put in
 * an error or returned. (JavaScript strings cannot be wiped; the clear PIN block buffer is.)
 *
 * Verification choices, documented because the seed and the pipeline depend on them:
 * - Visa PVV: PVK `pvkRef`, PVKI `pvki`; reference value "PVKI:PVV", e.g. "1:8523".
 * - IBM 3624: PVK `ibm3624.pvkRef`; validation data = the PAN's 12-digit account number (12
 *   rightmost digits excluding the check digit, as in ISO-0 and payShield's account field),
 *   right-padded with `pad` to 16 nibbles; decimalization table `ibm3624.decimalizationTable`
 *   (fixed by configuration, never taken from a request: a caller-chosen table is the
 *   decimalization-table attack of Bond & Zieliński, 2003); offset length = PIN length, and a
 *   PIN of another length is a MISMATCH. Reference value = the offset digits.
 * - PIN blocks: ISO 0, 1, 3 under a TDES TPK/ZPK, ISO 4 under an AES TPK/ZPK; with a KSN, keyRef
 *   names a BDK and the block is under its DUKPT PIN key: X9.24-1 (TDES BDK, formats 0/1/3) or
 *   X9.24-3 (AES BDK, format 4). A format the key's algorithm does not carry is WRONG_KEY_TYPE.
 * - Translation refuses to re-encode a PAN-bound block (ISO 0, 3, 4) as ISO 1: that would unbind the
 *   PIN from the card, the lever of the classic translate attacks (ANSI X9.8 / ISO 9564 rules as
 *   HSMs enforce them, e.g. IBM CCA "Enforce PIN block restrictions"). ISO 1 → 0/3/4 is allowed.
 * - MACs: 8 bytes. ISO9797-1-ALG3 = ANSI X9.19 retail MAC, padding method 1, under a TDES TAK/ZAK or
 *   the TDES DUKPT MAC request/response variant; AES-CMAC, leftmost 8 bytes, under an AES TAK/ZAK or
 *   the AES DUKPT MAC generation (request) / verification (response) key.
 * - DUKPT state (dukpt-tdes.ts, dukpt-aes.ts) hangs off the loaded BDK, so a BDK reloaded after the
 *   cache TTL or evicted starts with an empty initial-key cache.
 */
export class SoftwareHsm extends CryptoPort {
  readonly #lmk: Lmk;
  readonly #keys: KeyRing;
  readonly #panHashRef: string;
  readonly #pvkRef: string;
  readonly #pvki: number;
  readonly #ibm: { pvkRef: string; decimalizationTable: string; pad: string };
  readonly #phonePvkRef: string;
  readonly #usesDevelopmentLmk: boolean;
  readonly #dukptCacheSize: number;
  readonly #dukpt = new WeakMap<LoadedKey, TdesDukpt | AesDukpt>();

  constructor(lmkHex: string, keyStore: KeyStore, options: SoftwareHsmOptions = {}) {
    super();
    this.#lmk = new Lmk(lmkHex);
    this.#keys = new KeyRing(this.#lmk, keyStore, options.keyCacheTtlMs ?? 5 * 60_000);
    this.#panHashRef = options.panHashKeyRef ?? 'PAN_HASH';
    this.#pvkRef = options.pvkRef ?? 'PVK';
    this.#pvki = options.pvki ?? 1;
    this.#ibm = {
      pvkRef: options.ibm3624?.pvkRef ?? this.#pvkRef,
      decimalizationTable: options.ibm3624?.decimalizationTable ?? '0123456789012345',
      pad: options.ibm3624?.pad ?? 'F',
    };
    this.#phonePvkRef = options.phonePvkRef ?? 'PHONE_PVK';
    this.#usesDevelopmentLmk = options.usesDevelopmentLmk ?? false;
    this.#dukptCacheSize = options.dukptInitialKeyCacheSize ?? 10_000;
    for (const ref of [this.#panHashRef, this.#pvkRef, this.#ibm.pvkRef, this.#phonePvkRef]) checkKeyRef(ref);
    if (!Number.isInteger(this.#pvki) || this.#pvki < 0 || this.#pvki > 9) {
      throw new CryptoError('BAD_INPUT', 'pvki is one digit');
    }
    checkDecimalizationTable(this.#ibm.decimalizationTable);
    if (!/^[0-9A-F]$/i.test(this.#ibm.pad)) throw new CryptoError('BAD_INPUT', 'the IBM 3624 pad is one hex digit');
  }

  /**
   * HMAC-SHA-256 of the PAN's ASCII digits under the PAN_HASH key, lower-case hex. On every query,
   * so once the key is loaded this is one Map lookup and one HMAC (no await on the warm path).
   */
  async hashPan(pan: Pan): Promise<string> {
    const digits = panDigits(pan);
    const key = this.#keys.peek(this.#panHashRef, PAN_HASH) ?? (await this.#keys.get(this.#panHashRef, PAN_HASH));
    return key.hmacSha256(digits).toString('hex');
  }

  async verifyPin(req: { pan: Pan; pinBlock: EncryptedPinBlock; reference: PinVerificationData }): Promise<PinCheck> {
    const pan = panDigits(req.pan);
    const { method, value } = req.reference ?? {};
    switch (method) {
      case 'VISA_PVV': {
        const match = PVV_REFERENCE.exec(value);
        if (!match) throw new CryptoError('BAD_INPUT', 'PVV verification data is not "PVKI:PVV"');
        const pvki = Number(match[1]);
        if (pvki !== this.#pvki) throw new CryptoError('UNKNOWN_KEY', `no PVK is configured for PVKI ${pvki}`);
        const pvk = await this.#keys.get(this.#pvkRef, PVK);
        const pin = await this.#clearPin(req.pinBlock, pan);
        return constantTimeEqual(visaPvv(pvk.tdes(), pan, pvki, pin), match[2]) ? 'VERIFIED' : 'MISMATCH';
      }
      case 'IBM_3624_OFFSET': {
        if (typeof value !== 'string' || !IBM_OFFSET.test(value)) {
          throw new CryptoError('BAD_INPUT', 'an IBM 3624 offset is 4 to 12 digits');
        }
        const pvk = await this.#keys.get(this.#ibm.pvkRef, PVK);
        const pin = await this.#clearPin(req.pinBlock, pan);
        if (pin.length !== value.length) return 'MISMATCH';
        return constantTimeEqual(this.#ibmOffset(pvk.tdes(), pan, pin), value) ? 'VERIFIED' : 'MISMATCH';
      }
      default:
        throw new CryptoError('BAD_INPUT', 'unknown PIN verification method');
    }
  }

  async createPinVerificationData(req: {
    pan: Pan;
    pinBlock: EncryptedPinBlock;
    method: PinMethod;
  }): Promise<PinVerificationData> {
    const pan = panDigits(req.pan);
    switch (req.method) {
      case 'VISA_PVV': {
        const pvk = await this.#keys.get(this.#pvkRef, PVK);
        const pin = await this.#clearPin(req.pinBlock, pan);
        return { method: 'VISA_PVV', value: `${this.#pvki}:${visaPvv(pvk.tdes(), pan, this.#pvki, pin)}` };
      }
      case 'IBM_3624_OFFSET': {
        const pvk = await this.#keys.get(this.#ibm.pvkRef, PVK);
        const pin = await this.#clearPin(req.pinBlock, pan);
        return { method: 'IBM_3624_OFFSET', value: this.#ibmOffset(pvk.tdes(), pan, pin) };
      }
      default:
        throw new CryptoError('BAD_INPUT', 'unknown PIN verification method');
    }
  }

  async createPhonePinData(req: { subject: string; pinBlock: EncryptedPinBlock; pan?: Pan }): Promise<string> {
    checkPhoneSubject(req.subject);
    const pan = req.pan === undefined ? undefined : panDigits(req.pan);
    const key = await this.#keys.get(this.#phonePvkRef, PHONE_PVK);
    const pin = await this.#clearPin(req.pinBlock, pan);
    return phonePinData(key, req.subject, pin);
  }

  async encryptEnteredPin(req: { pin: string; keyRef: string }): Promise<EncryptedPinBlock> {
    checkKeyRef(req.keyRef);
    if (typeof req.pin !== 'string' || !/^\d{4,12}$/.test(req.pin)) throw new CryptoError('BAD_INPUT', 'a PIN is 4 to 12 digits');
    const key = pinKeyOf(await this.#keys.get(req.keyRef, PIN_BLOCK_KEY));
    checkPinKeyForFormat(key, 'ISO-1', `key "${req.keyRef}"`);
    return { format: 'ISO-1', block: blockFromPin(key, 'ISO-1', req.pin, undefined, `key "${req.keyRef}"`), keyRef: req.keyRef };
  }

  async verifyPhonePin(req: {
    subject: string;
    pinBlock: EncryptedPinBlock;
    pan?: Pan;
    reference: string;
  }): Promise<PinCheck> {
    checkPhoneSubject(req.subject);
    checkPhonePinReference(req.reference);
    const pan = req.pan === undefined ? undefined : panDigits(req.pan);
    const key = await this.#keys.get(this.#phonePvkRef, PHONE_PVK);
    const pin = await this.#clearPin(req.pinBlock, pan);
    if (pin.length !== PHONE_PIN_LENGTH) return 'MISMATCH';
    return constantTimeEqual(phonePinData(key, req.subject, pin), req.reference) ? 'VERIFIED' : 'MISMATCH';
  }

  async translatePinBlock(req: {
    pan: Pan;
    from: EncryptedPinBlock;
    toKeyRef: string;
    toFormat: PinBlockFormat;
  }): Promise<EncryptedPinBlock> {
    const pan = panDigits(req.pan);
    const { from, toKeyRef, toFormat } = req;
    if (!isPinBlockFormat(toFormat)) throw new CryptoError('BAD_INPUT', 'unknown target PIN block format');
    checkKeyRef(toKeyRef);
    // Refused before anything is decrypted, so the answer never depends on the PIN.
    if (isPinBlockFormat(from?.format) && isPanBound(from.format) && !isPanBound(toFormat)) {
      throw new CryptoError('BAD_INPUT', `a ${from.format} PIN block is bound to the PAN and is not translated to ${toFormat}`);
    }
    const target = pinKeyOf(await this.#keys.get(toKeyRef, PIN_BLOCK_KEY));
    checkPinKeyForFormat(target, toFormat, `key "${toKeyRef}"`);
    const pin = await this.#clearPin(from, pan);
    return { format: toFormat, block: blockFromPin(target, toFormat, pin, pan, `key "${toKeyRef}"`), keyRef: toKeyRef };
  }

  async generateMac(req: { key: MacKey; algorithm: MacAlgorithm; data: Uint8Array }): Promise<string> {
    checkMacData(req.data);
    const { material, ephemeral } = await this.#macMaterial(req.key, req.algorithm);
    try {
      return mac8(material, req.data).toString('hex').toUpperCase();
    } finally {
      if (ephemeral && material.algorithm === 'ISO9797-1-ALG3') material.key.wipe();
    }
  }

  async verifyMac(req: { key: MacKey; algorithm: MacAlgorithm; data: Uint8Array; mac: string }): Promise<MacCheck> {
    checkMacData(req.data);
    if (typeof req.mac !== 'string' || !MAC_HEX.test(req.mac)) {
      throw new CryptoError('BAD_INPUT', `a MAC is ${MAC_BYTES * 2} hex digits`);
    }
    const { material, ephemeral } = await this.#macMaterial(req.key, req.algorithm);
    try {
      // Constant time: how many leading bytes of a forged MAC were right must not show in the timing.
      return timingSafeEqual(mac8(material, req.data), Buffer.from(req.mac, 'hex')) ? 'VERIFIED' : 'MISMATCH';
    } finally {
      if (ephemeral && material.algorithm === 'ISO9797-1-ALG3') material.key.wipe();
    }
  }

  /**
   * The stored KCV of an active key of any type. Loading it unwraps the key under the LMK and
   * checks that the stored KCV is the key's (LoadedKey.fromClear), so a value returned here has
   * been verified against the key itself; a mismatch is INTERNAL.
   */
  async keyCheckValue(keyRef: string): Promise<string> {
    checkKeyRef(keyRef);
    return (await this.#keys.get(keyRef, ANY_KEY)).kcv;
  }

  /** Healthy when the PAN hashing key (needed by every query) loads and unwraps under the LMK. */
  async health(): Promise<CryptoHealth> {
    const lmk = `LMK KCV ${this.#lmk.kcv}${this.#usesDevelopmentLmk ? ' (DEVELOPMENT LMK)' : ''}`;
    try {
      await this.#keys.get(this.#panHashRef, PAN_HASH);
      return { ok: true, driver: 'software', detail: `software HSM, ${lmk}` };
    } catch (error) {
      const why = error instanceof CryptoError ? `${error.code}: ${error.message}` : 'key store unreachable';
      return { ok: false, driver: 'software', detail: `software HSM, ${lmk}; PAN hashing key: ${why}` };
    }
  }

  /** Drops cached keys (all, or one ref) so the next use re-reads the store, e.g. after a rotation. */
  evictKeys(ref?: string): void {
    this.#keys.evict(ref);
  }

  /** Decrypts the PIN block under its key and returns the clear PIN (kept in the caller's locals only). */
  async #clearPin(pinBlock: EncryptedPinBlock, pan: string | undefined): Promise<string> {
    if (typeof pinBlock !== 'object' || pinBlock === null) throw new CryptoError('BAD_PIN_BLOCK', 'no PIN block');
    const format = pinBlock.format;
    if (!isPinBlockFormat(format)) throw new CryptoError('BAD_INPUT', 'unknown PIN block format');
    checkKeyRef(pinBlock.keyRef);
    const encrypted = pinBlockBytes(format, pinBlock.block);
    const what = `key "${pinBlock.keyRef}"`;
    if (pinBlock.ksn === undefined) {
      return pinFromBlock(pinKeyOf(await this.#keys.get(pinBlock.keyRef, PIN_BLOCK_KEY)), format, encrypted, pan, what);
    }
    const dukpt = this.#dukptFor(await this.#keys.get(pinBlock.keyRef, BDK));
    // The format decides the DUKPT family before any derivation: X9.24-1 carries 0/1/3, X9.24-3 carries 4.
    const needed = pinBlockAlgorithm(format);
    if ((dukpt instanceof TdesDukpt ? 'TDES' : 'AES') !== needed) {
      throw new CryptoError('WRONG_KEY_TYPE', `PIN block format ${format} needs a ${needed} BDK; ${what} is not`);
    }
    if (dukpt instanceof AesDukpt) {
      return pinFromBlock({ algorithm: 'AES', cipher: dukpt.cipher(pinBlock.ksn, 'pin') }, format, encrypted, pan, what);
    }
    const cipher = dukpt.cipher(pinBlock.ksn, 'pin');
    try {
      return pinFromBlock({ algorithm: 'TDES', cipher }, format, encrypted, pan, what);
    } finally {
      cipher.wipe();
    }
  }

  /** The MAC key for a request; `ephemeral` keys (DUKPT, derived for this KSN) are wiped after use. */
  async #macMaterial(key: MacKey, algorithm: MacAlgorithm): Promise<{ material: MacMaterial; ephemeral: boolean }> {
    if (!isMacAlgorithm(algorithm)) throw new CryptoError('BAD_INPUT', 'unknown MAC algorithm (ISO9797-1-ALG3 or AES-CMAC)');
    if (typeof key !== 'object' || key === null) throw new CryptoError('BAD_INPUT', 'no MAC key');
    checkKeyRef(key.keyRef);
    const direction = key.direction ?? 'request';
    if (direction !== 'request' && direction !== 'response') throw new CryptoError('BAD_INPUT', 'a MAC direction is request or response');
    const needed = MAC_KEY_ALGORITHM[algorithm];
    const what = `key "${key.keyRef}"`;
    if (key.ksn === undefined) {
      const loaded = await this.#keys.get(key.keyRef, MAC_KEY);
      if (loaded.algorithm !== needed) throw new CryptoError('WRONG_KEY_TYPE', `${algorithm} needs a ${needed} key; ${what} is ${loaded.algorithm}`);
      if (algorithm === 'AES-CMAC') return { material: { algorithm, key: loaded.aes() }, ephemeral: false };
      const tdes = loaded.tdes();
      if (tdes.length !== 16) throw new CryptoError('WRONG_KEY_TYPE', `${algorithm} needs a double-length TDES key; ${what} is triple length`);
      return { material: { algorithm, key: tdes.js() }, ephemeral: false };
    }
    const dukpt = this.#dukptFor(await this.#keys.get(key.keyRef, BDK));
    if (dukpt instanceof AesDukpt) {
      if (needed !== 'AES') throw new CryptoError('WRONG_KEY_TYPE', `${algorithm} needs a TDES BDK; ${what} is AES`);
      const usage = direction === 'request' ? 'macGeneration' : 'macVerification';
      return { material: { algorithm: 'AES-CMAC', key: dukpt.cipher(key.ksn, usage) }, ephemeral: true };
    }
    if (needed !== 'TDES') throw new CryptoError('WRONG_KEY_TYPE', `${algorithm} needs an AES BDK; ${what} is TDES`);
    const usage = direction === 'request' ? 'macRequest' : 'macResponse';
    return { material: { algorithm: 'ISO9797-1-ALG3', key: dukpt.cipher(key.ksn, usage) }, ephemeral: true };
  }

  /** The DUKPT engine of a loaded BDK, made on first use (its initial-key cache lives as long as the key). */
  #dukptFor(bdk: LoadedKey): TdesDukpt | AesDukpt {
    let dukpt = this.#dukpt.get(bdk);
    if (!dukpt) {
      dukpt = bdk.algorithm === 'AES' ? new AesDukpt(bdk.aes(), this.#dukptCacheSize) : new TdesDukpt(bdk.tdes(), this.#dukptCacheSize);
      this.#dukpt.set(bdk, dukpt);
    }
    return dukpt;
  }

  #ibmOffset(pvk: TdesKey, pan: string, pin: string): string {
    const validationData = ibm3624ValidationData(accountNumber12(pan), 0, 12, this.#ibm.pad);
    return ibm3624Offset(pvk, validationData, this.#ibm.decimalizationTable, pin);
  }
}

/** A stored TPK/ZPK as a PIN key (TdesKey keeps its OpenSSL contexts: these keys serve many requests). */
function pinKeyOf(key: LoadedKey): PinKey {
  return key.algorithm === 'AES' ? { algorithm: 'AES', cipher: key.aes() } : { algorithm: 'TDES', cipher: key.tdes() };
}

function checkMacData(data: Uint8Array): void {
  if (!(data instanceof Uint8Array)) throw new CryptoError('BAD_INPUT', 'MAC data must be bytes (a Uint8Array)');
}
