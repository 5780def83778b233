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

/** ISO 9797-1 algorithm 3 ("retail MAC", ANSI X9.19, TDES) or AES-CMAC (NIST SP 800-38B). */
export type MacAlgorithm = 'ISO9797-1-ALG3' | 'AES-CMAC';

/** The key a MAC is made under: a fixed TAK/ZAK, or a BDK plus the KSN (DUKPT MAC variant). */
export interface MacKey {
  readonly keyRef: string;
  readonly ksn?: string;
  /** DUKPT: the request or the response MAC key (X9.24-1 variants differ). Default 'request'. */
  readonly direction?: 'request' | 'response';
}

export type MacCheck = 'VERIFIED' | 'MISMATCH';

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

  /**
   * A PIN keyed into a channel without a PIN pad (the voice menu's DTMF digits) enters the crypto
   * service at once and leaves as an ISO-1 block under `keyRef` (a TPK), like payShield's "encrypt
   * a clear PIN": the channel holds the digits for one call and passes on only the block.
   */
  abstract encryptEnteredPin(req: { pin: string; keyRef: string }): Promise<EncryptedPinBlock>;

  /** `pan` is needed only for PIN block formats that include it (ISO 0 and 3). */
  abstract verifyPhonePin(req: {
    subject: string;
    pinBlock: EncryptedPinBlock;
    pan?: Pan;
    reference: string;
  }): Promise<PinCheck>;

  /**
   * Re-encrypts a PIN block under another key (and format), e.g. from a terminal's TPK or DUKPT
   * key to a zone key towards the issuer. The PIN is never clear outside the HSM.
   */
  abstract translatePinBlock(req: {
    pan: Pan;
    from: EncryptedPinBlock;
    toKeyRef: string;
    toFormat: PinBlockFormat;
  }): Promise<EncryptedPinBlock>;

  /** MAC over `data`, hex; 8 bytes (16 hex digits) for ISO 8583 fields 64/128. */
  abstract generateMac(req: { key: MacKey; algorithm: MacAlgorithm; data: Uint8Array }): Promise<string>;

  abstract verifyMac(req: { key: MacKey; algorithm: MacAlgorithm; data: Uint8Array; mac: string }): Promise<MacCheck>;

  /** The key check value of a stored key (6 hex digits), for key ceremonies and health checks. */
  abstract keyCheckValue(keyRef: string): Promise<string>;

  abstract health(): Promise<CryptoHealth>;
}
