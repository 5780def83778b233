import { CryptoError } from '../crypto.port.js';

/**
 * What a key is for. The driver checks the type before every use, so a terminal PIN key can never
 * act as a PIN verification key or a PAN hashing key (payShield does the same with its LMK pairs).
 */
export const KEY_TYPES = [
  'PVK', // PIN verification key: Visa PVV, IBM 3624 offset
  'TPK', // terminal PIN key: PIN blocks from terminals
  'ZPK', // zone PIN key: PIN blocks from another network/zone
  'BDK', // DUKPT base derivation key: TDES (X9.24-1) or AES (X9.24-3)
  'TAK', // terminal MAC key: TDES (ISO 9797-1 alg. 3) or AES (CMAC)
  'ZAK', // zone MAC key: as TAK
  'TMK', // terminal master key (key exchange, issue 3)
  'ZMK', // zone master key (key exchange, issue 3)
  'PAN_HASH', // HMAC key for the keyed PAN hash (database lookup key)
  'PHONE_PVK', // HMAC key for phone-banking PIN verification data
] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const KEY_ALGORITHMS = ['TDES', 'AES', 'HMAC'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export type KeyStatus = 'ACTIVE' | 'RETIRED';

/**
 * Key usage, in TR-31 / ANSI X9.143 vocabulary so that key-block import maps one to one:
 * P0 PIN encryption, V0 PIN verification (other algorithm), B0 BDK, M3 ISO 9797-1 alg. 3 MAC,
 * M6 CMAC, M7 HMAC, K0 key encryption. Recorded and bound to the key (it is in the LMK wrapping's AAD);
 * the driver enforces type and algorithm, not usage.
 */
export type KeyUsage = string;

export const DEFAULT_USAGE: Readonly<Record<KeyType, KeyUsage>> = {
  PVK: 'V0',
  TPK: 'P0',
  ZPK: 'P0',
  BDK: 'B0',
  TAK: 'M3',
  ZAK: 'M3',
  TMK: 'K0',
  ZMK: 'K0',
  PAN_HASH: 'M7',
  PHONE_PVK: 'M7',
};

/**
 * The usage a new key gets when none is given. TR-31 names the MAC algorithm in the usage, so an
 * AES MAC key is M6 (ISO 9797-1:2011 MAC algorithm 5, CMAC), not M3 (algorithm 3, TDES only).
 */
export function defaultUsage(type: KeyType, algorithm: KeyAlgorithm): KeyUsage {
  if ((type === 'TAK' || type === 'ZAK') && algorithm === 'AES') return 'M6';
  return DEFAULT_USAGE[type];
}

/** Algorithms each type may have. HMAC keys are hash keys only; block-cipher types are TDES or AES. */
const ALGORITHMS_FOR_TYPE: Readonly<Record<KeyType, readonly KeyAlgorithm[]>> = {
  PVK: ['TDES'],
  TPK: ['TDES', 'AES'],
  ZPK: ['TDES', 'AES'],
  BDK: ['TDES', 'AES'],
  TAK: ['TDES', 'AES'],
  ZAK: ['TDES', 'AES'],
  TMK: ['TDES', 'AES'],
  ZMK: ['TDES', 'AES'],
  PAN_HASH: ['HMAC'],
  PHONE_PVK: ['HMAC'],
};

/** Key lengths in bytes. HMAC keys: at least the SHA-256 output size (RFC 2104 §3), at most a block. */
export const KEY_LENGTHS: Readonly<Record<KeyAlgorithm, readonly number[]>> = {
  TDES: [16, 24],
  AES: [16, 24, 32],
  HMAC: [32, 48, 64],
};

const REF = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function isKeyType(value: string): value is KeyType {
  return (KEY_TYPES as readonly string[]).includes(value);
}

export function isKeyAlgorithm(value: string): value is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly string[]).includes(value);
}

/** Refs are identifiers, safe to show in messages and logs; anything else is refused up front. */
export function checkKeyRef(ref: string): void {
  if (typeof ref !== 'string' || !REF.test(ref)) {
    throw new CryptoError('BAD_INPUT', 'a key ref is 1-64 characters: letters, digits, . _ : -');
  }
}

export function checkKeySpec(spec: { ref: string; type: string; algorithm: string; usage?: string }): void {
  checkKeyRef(spec.ref);
  if (!isKeyType(spec.type)) throw new CryptoError('BAD_INPUT', `unknown key type (one of ${KEY_TYPES.join(', ')})`);
  if (!isKeyAlgorithm(spec.algorithm)) {
    throw new CryptoError('BAD_INPUT', `unknown key algorithm (one of ${KEY_ALGORITHMS.join(', ')})`);
  }
  if (!ALGORITHMS_FOR_TYPE[spec.type].includes(spec.algorithm)) {
    throw new CryptoError(
      'BAD_INPUT',
      `a ${spec.type} key must be ${ALGORITHMS_FOR_TYPE[spec.type].join(' or ')}, not ${spec.algorithm}`,
    );
  }
  if (spec.usage !== undefined && !/^[A-Z0-9]{2}$/.test(spec.usage)) {
    throw new CryptoError('BAD_INPUT', 'key usage is a 2-character TR-31 code such as P0 or V0');
  }
}
