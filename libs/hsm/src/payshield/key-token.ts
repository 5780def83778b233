import { CryptoError } from '../crypto.port.js';
import type { StoredKey } from '../software/key-store.js';
import { checkKeyRef, isKeyAlgorithm, isKeyType, type KeyAlgorithm, type KeyType } from '../software/key-types.js';

/**
 * Saldo's key token: our equivalent of a payShield key block ("S" + header + encrypted key), the
 * form in which a key travels to the HSM inside a host command.
 *
 * Real deployments keep their working keys in the host database as key blocks under the HSM's LMK
 * and pass them with every command; the HSM unwraps them inside. Saldo's KeyStore already holds
 * each key wrapped under the LMK (lmk.ts: AES-256-GCM with the key's label as authenticated data),
 * so the token is that stored record, made self-describing and self-delimiting:
 *
 *   S        key-block marker, as in payShield ("S" = key block under a key-block LMK)
 *   Z        token version. Thales key blocks use "0"/"1" here; "Z" makes a real payShield refuse
 *            the token with a key-block error instead of misreading it
 *   LLLL     4N, the number of characters after the "S" (this field included), as the length field
 *            of a Thales key-block header does — so a codec delimits both kinds the same way
 *   UU       2A key usage (TR-31 code: P0, V0, B0, M3, M7, K0, …)
 *   A        1A algorithm (TR-31 letters): T = TDES, A = AES, H = HMAC
 *   TT       2A Saldo key type (KEY_TYPE_CODES below)
 *   KKKKKK   6H key check value
 *   RR       2N length of the ref
 *   ref      the key's ref (1-64 characters); with usage, algorithm and type it is the label the LMK
 *            wrapping authenticates, so a token edited to pass as another key fails to unwrap
 *   wrapped  the LMK-wrapped value exactly as stored (Lmk.wrap output, printable ASCII)
 *
 * The token carries no clear key material: without the LMK it is as opaque as the database row it
 * comes from. Its string form can still identify a key, so it is never logged.
 */
export interface KeyTokenFields {
  readonly ref: string;
  readonly type: KeyType;
  readonly usage: string;
  readonly algorithm: KeyAlgorithm;
  readonly kcv: string;
  readonly encryptedValue: string;
}

export const KEY_TOKEN_MARKER = 'S';
export const KEY_TOKEN_VERSION = 'Z';

const KEY_TYPE_CODES: Readonly<Record<KeyType, string>> = {
  PVK: 'PV',
  TPK: 'TP',
  ZPK: 'ZP',
  BDK: 'BD',
  TAK: 'TA',
  ZAK: 'ZA',
  TMK: 'TM',
  ZMK: 'ZM',
  PAN_HASH: 'PH',
  PHONE_PVK: 'PP',
};
const KEY_TYPE_BY_CODE = new Map(Object.entries(KEY_TYPE_CODES).map(([type, code]) => [code, type as KeyType]));

const ALGORITHM_CODES: Readonly<Record<KeyAlgorithm, string>> = { TDES: 'T', AES: 'A', HMAC: 'H' };
const ALGORITHM_BY_CODE = new Map(Object.entries(ALGORITHM_CODES).map(([algorithm, code]) => [code, algorithm as KeyAlgorithm]));

/** 'S' + version + LLLL + usage 2 + algorithm 1 + type 2 + KCV 6 + ref length 2. */
const FIXED_PART = 1 + 1 + 4 + 2 + 1 + 2 + 6 + 2;
const MAX_TOKEN = 1 + 9999;
const PRINTABLE = /^[\x21-\x7e]+$/;

/** Builds the token of a stored key (the driver does this once per key and caches it). */
export function encodeKeyToken(key: KeyTokenFields): string {
  checkKeyRef(key.ref);
  if (!isKeyType(key.type) || !isKeyAlgorithm(key.algorithm)) {
    throw new CryptoError('INTERNAL', `key "${key.ref}" has an unknown type or algorithm`);
  }
  if (!/^[A-Z0-9]{2}$/.test(key.usage)) throw new CryptoError('INTERNAL', `key "${key.ref}" has a malformed usage code`);
  if (!/^[0-9A-F]{6}$/i.test(key.kcv)) throw new CryptoError('INTERNAL', `key "${key.ref}" has a malformed KCV`);
  if (typeof key.encryptedValue !== 'string' || !PRINTABLE.test(key.encryptedValue)) {
    throw new CryptoError('INTERNAL', `key "${key.ref}": its stored value cannot travel in a key token`);
  }
  const body =
    key.usage +
    ALGORITHM_CODES[key.algorithm] +
    KEY_TYPE_CODES[key.type] +
    key.kcv.toUpperCase() +
    String(key.ref.length).padStart(2, '0') +
    key.ref +
    key.encryptedValue;
  const length = 1 + 4 + body.length;
  if (length + 1 > MAX_TOKEN) throw new CryptoError('INTERNAL', `key "${key.ref}": key token too long`);
  return KEY_TOKEN_MARKER + KEY_TOKEN_VERSION + String(length).padStart(4, '0') + body;
}

export function keyTokenFromStored(key: StoredKey): string {
  return encodeKeyToken(key);
}

/** Why a token was refused; the emulator answers each with its payShield error code. */
export class KeyTokenError extends Error {
  constructor(readonly reason: 'MALFORMED' | 'VERSION') {
    super(reason === 'VERSION' ? 'not a Saldo key token (unknown key-block version)' : 'malformed key token');
    this.name = 'KeyTokenError';
  }
}

/** Parses a whole token (as delimited by the codec). Never puts the token in an error. */
export function parseKeyToken(token: string): KeyTokenFields {
  if (typeof token !== 'string' || token.length < FIXED_PART || token[0] !== KEY_TOKEN_MARKER) {
    throw new KeyTokenError('MALFORMED');
  }
  if (token[1] !== KEY_TOKEN_VERSION) throw new KeyTokenError('VERSION');
  const length = digitsAt(token, 2, 4);
  if (length !== token.length - 1) throw new KeyTokenError('MALFORMED');
  const usage = token.slice(6, 8);
  const algorithm = ALGORITHM_BY_CODE.get(token[8]);
  const type = KEY_TYPE_BY_CODE.get(token.slice(9, 11));
  const kcv = token.slice(11, 17);
  const refLength = digitsAt(token, 17, 2);
  const ref = token.slice(19, 19 + refLength);
  const encryptedValue = token.slice(19 + refLength);
  if (
    !/^[A-Z0-9]{2}$/.test(usage) ||
    algorithm === undefined ||
    type === undefined ||
    !/^[0-9A-F]{6}$/.test(kcv) ||
    refLength < 1 ||
    ref.length !== refLength ||
    encryptedValue.length === 0 ||
    !PRINTABLE.test(encryptedValue)
  ) {
    throw new KeyTokenError('MALFORMED');
  }
  try {
    checkKeyRef(ref);
  } catch {
    throw new KeyTokenError('MALFORMED');
  }
  return { ref, type, usage, algorithm, kcv, encryptedValue };
}

/** The algorithm letter of a token without parsing all of it (the codec sizes PIN blocks by it). */
export function keyTokenAlgorithm(token: string): KeyAlgorithm | undefined {
  if (token.length < FIXED_PART || token[0] !== KEY_TOKEN_MARKER || token[1] !== KEY_TOKEN_VERSION) return undefined;
  return ALGORITHM_BY_CODE.get(token[8]);
}

function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new KeyTokenError('MALFORMED');
    value = value * 10 + d;
  }
  return value;
}
