import type { Pan } from '#domain';

export type PinBlockFormat = 'ISO-0' | 'ISO-1' | 'ISO-3' | 'ISO-4';

/**
 * A PIN block as it travels: encrypted, with the reference of the key it is under (a terminal PIN
 * key, a zone key, or a BDK plus the KSN for DUKPT). The clear PIN never crosses this port.
 */
export interface EncryptedPinBlock {
  readonly format: PinBlockFormat;
  /** Hex, 16 digits (TDES) or 32 digits (AES, format 4). */
  readonly block: string;
  readonly keyRef: string;
  /** DUKPT key serial number, hex; absent for fixed keys. */
  readonly ksn?: string;
}

export type PinMethod = 'VISA_PVV' | 'IBM_3624_OFFSET';

/** What the issuer stores to verify a PIN later: a PVV (with PVKI) or an IBM 3624 offset. */
export interface PinVerificationData {
  readonly method: PinMethod;
  /** Opaque to callers, e.g. "1:8523" (PVKI:PVV) or the offset digits. */
  readonly value: string;
}

export type PinCheck = 'VERIFIED' | 'MISMATCH';

export type CryptoErrorCode =
  | 'UNKNOWN_KEY'
  | 'WRONG_KEY_TYPE'
  | 'BAD_PIN_BLOCK'
  | 'BAD_INPUT'
  | 'KSN_EXHAUSTED'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** A crypto failure. Messages never hold a PIN, PIN block, PAN or key. */
export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CryptoError';
  }
}

export interface CryptoHealth {
  readonly ok: boolean;
  readonly driver: string;
  readonly detail: string;
}

/**
 * The crypto service (HSM) as the rest of Saldo sees it. Key references, not key values, cross it.
 * Business results are values (MISMATCH); CryptoError is for everything that is not a verdict.
 */
export abstract class CryptoPort {
  /** Keyed hash (HMAC-SHA-256 under the PAN hashing key) of the PAN, hex; the database lookup key. */
  abstract hashPan(pan: Pan): Promise<string>;

  abstract verifyPin(req: {
    pan: Pan;
    pinBlock: EncryptedPinBlock;
    reference: PinVerificationData;
  }): Promise<PinCheck>;

  /** Computes the verification data when a card's PIN is set (seed, PIN change). */
  abstract createPinVerificationData(req: {
    pan: Pan;
    pinBlock: EncryptedPinBlock;
    method: PinMethod;
  }): Promise<PinVerificationData>;

  /** Verification data for a cardholder's phone-banking PIN; `subject` binds it to the cardholder. */
  abstract createPhonePinData(req: { subject: string; pinBlock: EncryptedPinBlock; pan?: Pan }): Promise<string>;

  /** `pan` is needed only for PIN block formats that include it (ISO 0 and 3). */
  abstract verifyPhonePin(req: {
    subject: string;
    pinBlock: EncryptedPinBlock;
    pan?: Pan;
    reference: string;
  }): Promise<PinCheck>;

  abstract health(): Promise<CryptoHealth>;
}
