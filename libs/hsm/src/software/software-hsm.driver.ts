import type { Pan } from '#domain';
import {
  CryptoError,
  CryptoPort,
  type CryptoHealth,
  type EncryptedPinBlock,
  type PinCheck,
  type PinMethod,
  type PinVerificationData,
} from '../crypto.port.js';
import { constantTimeEqual } from './constant-time.js';
import { hexToBytes } from './hex.js';
import { checkDecimalizationTable, ibm3624Offset, ibm3624ValidationData } from './ibm3624.js';
import { KeyRing, type KeyExpectation } from './key-ring.js';
import type { KeyStore } from './key-store.js';
import { checkKeyRef } from './key-types.js';
import { Lmk } from './lmk.js';
import { accountNumber12 } from './pan-fields.js';
import { checkPhonePinReference, checkPhoneSubject, PHONE_PIN_LENGTH, phonePinData } from './phone-pin.js';
import { decodePinBlock, isTdesPinBlockFormat } from './pin-block.js';
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
  /** Only for health(): says the development LMK is in use. */
  readonly usesDevelopmentLmk?: boolean;
}

const PIN_BLOCK_KEY: KeyExpectation = { types: ['TPK', 'ZPK'], algorithms: ['TDES'], purpose: 'PIN block decryption' };
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
 * - PIN blocks: ISO 0, 1, 3 under a TPK or ZPK (TDES). ISO 4 and DUKPT (a KSN) come later.
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
    if (pinBlock.ksn !== undefined) {
      throw new CryptoError('BAD_INPUT', 'DUKPT PIN blocks (with a KSN) are not supported by the software HSM yet');
    }
    const format = pinBlock.format;
    if (!isTdesPinBlockFormat(format)) {
      throw new CryptoError(
        'BAD_INPUT',
        format === 'ISO-4' ? 'PIN block format ISO-4 is not supported by the software HSM yet' : 'unknown PIN block format',
      );
    }
    checkKeyRef(pinBlock.keyRef);
    const encrypted = hexToBytes(pinBlock.block, `an ${format} PIN block`, [8], 'BAD_PIN_BLOCK');
    const key = await this.#keys.get(pinBlock.keyRef, PIN_BLOCK_KEY);
    const clear = key.tdes().decrypt(encrypted);
    try {
      return decodePinBlock(format, clear, pan);
    } finally {
      clear.fill(0);
    }
  }

  #ibmOffset(pvk: TdesKey, pan: string, pin: string): string {
    const validationData = ibm3624ValidationData(accountNumber12(pan), 0, 12, this.#ibm.pad);
    return ibm3624Offset(pvk, validationData, this.#ibm.decimalizationTable, pin);
  }
}

function panDigits(pan: Pan): string {
  if (typeof (pan as { digits?: unknown } | undefined)?.digits !== 'function') {
    throw new CryptoError('BAD_INPUT', 'a Pan is required');
  }
  return pan.digits();
}
