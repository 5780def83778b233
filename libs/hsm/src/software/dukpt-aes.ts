import { inspect } from 'node:util';
import { CryptoError } from '../crypto.port.js';
import { AesKey } from './aes.js';
import { BoundedCache } from './bounded-cache.js';
import { popcount } from './dukpt-tdes.js';

/**
 * AES DUKPT, ANSI X9.24-3:2017 (payments-facts.md §3.3; vectors shared/vectors/dukpt.json "aes").
 *
 * KSN: 96 bits = 64-bit initial key ID (32-bit BDK ID ‖ 32-bit derivation ID) ‖ 32-bit counter.
 * Every key is AES-ECB(parent, derivation data), one block per 128 bits of the derived key, where
 * the derivation data (16 bytes) is
 *   01 ‖ key block counter (01, 02) ‖ key usage (2) ‖ algorithm (2) ‖ length in bits (2) ‖ 8 bytes
 * and the 8 bytes are the initial key ID for the initial key (usage 8001), otherwise the derivation
 * ID ‖ the counter (so far).
 *   initial key: from the BDK, usage 8001;
 *   transaction key: from the initial key, for each counter bit set, most significant first,
 *       usage 8000 with the counter bits so far;
 *   working keys: from the transaction key with the full counter and the usage: 1000 PIN,
 *       2000 MAC generation, 2001 MAC verification, 3000/3001 data encrypt/decrypt.
 * Derived keys have the BDK's size (an AES-128 BDK gives AES-128 keys), as in moov-io/dukpt.
 *
 * MAC direction: the terminal MACs its request with the generation key (2000) and checks the
 * host's response with the verification key (2001); so the host verifies requests under 2000 and
 * MACs responses under 2001.
 *
 * Exhaustion: X9.24-3 §6.1 allows at most 16 one-bits in the counter (a device skips the others);
 * counter 0 names the initial key itself. Both are refused as KSN_EXHAUSTED.
 */

export type AesDukptUsage = 'pin' | 'macGeneration' | 'macVerification' | 'dataEncrypt' | 'dataDecrypt';

const USAGE: Readonly<Record<AesDukptUsage | 'initialKey' | 'derivation', number>> = {
  initialKey: 0x8001,
  derivation: 0x8000,
  pin: 0x1000,
  macGeneration: 0x2000,
  macVerification: 0x2001,
  dataEncrypt: 0x3000,
  dataDecrypt: 0x3001,
};
/** Algorithm indicator by key length (X9.24-3 6.3.2 table 2): AES-128 0002, AES-192 0003, AES-256 0004. */
const ALGORITHM: Readonly<Record<16 | 24 | 32, number>> = { 16: 0x0002, 24: 0x0003, 32: 0x0004 };
const KSN = /^[0-9A-Fa-f]{24}$/;
const MAX_COUNTER_ONES = 16;

export interface AesKsn {
  /** The 8-byte initial key ID (BDK ID ‖ derivation ID). */
  readonly initialKeyId: Buffer;
  /** The 32-bit transaction counter. */
  readonly counter: number;
}

export function parseAesKsn(ksn: string): AesKsn {
  if (typeof ksn !== 'string' || !KSN.test(ksn)) {
    throw new CryptoError('BAD_INPUT', 'an AES DUKPT KSN is 24 hex digits (X9.24-3: 16-digit initial key ID + 8-digit counter)');
  }
  const bytes = Buffer.from(ksn, 'hex');
  const counter = bytes.readUInt32BE(8);
  if (counter === 0 || popcount(counter) > MAX_COUNTER_ONES) {
    throw new CryptoError('KSN_EXHAUSTED', 'the KSN transaction counter is not one a device uses (X9.24-3: 1 to 16 one-bits)');
  }
  return { initialKeyId: bytes.subarray(0, 8), counter };
}

/** X9.24-3 6.3.3 "Create Derivation Data" followed by 6.3.1 "Derive Key". */
export function aesDerive(parent: AesKey, usage: number, length: 16 | 24 | 32, ksnData: Uint8Array): Buffer {
  const data = Buffer.alloc(16);
  data[0] = 0x01;
  data.writeUInt16BE(usage, 2);
  data.writeUInt16BE(ALGORITHM[length], 4);
  data.writeUInt16BE(length * 8, 6);
  data.set(ksnData, 8);
  const key = Buffer.alloc(length === 16 ? 16 : 32);
  for (let offset = 0, counter = 1; offset < length; offset += 16, counter++) {
    data[1] = counter;
    parent.encrypt(data).copy(key, offset);
  }
  return length === 24 ? key.subarray(0, 24) : key;
}

/** Derivation ID (rightmost 4 bytes of the initial key ID) ‖ counter. */
function counterData(ksn: AesKsn, counter: number): Buffer {
  const data = Buffer.alloc(8);
  ksn.initialKeyId.copy(data, 0, 4, 8);
  data.writeUInt32BE(counter >>> 0, 4);
  return data;
}

/** Builds an AES key from derived bytes and zeroes them. */
function keyFrom(bytes: Buffer): AesKey {
  try {
    return new AesKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * The DUKPT side of one AES BDK: initial keys cached per initial key ID (bounded LRU, zeroed on
 * eviction), working keys per KSN. One instance per loaded BDK.
 */
export class AesDukpt {
  readonly #bdk: AesKey;
  readonly #length: 16 | 24 | 32;
  readonly #initialKeys: BoundedCache<Buffer>;

  constructor(bdk: AesKey, initialKeyCacheSize = 10_000) {
    this.#bdk = bdk;
    this.#length = bdk.length;
    this.#initialKeys = new BoundedCache(initialKeyCacheSize, (key) => key.fill(0));
  }

  /** The initial key (IK) for the device named by the KSN, as a copy. */
  initialKey(ksn: string): Buffer {
    return Buffer.from(this.#initialKey(parseAesKsn(ksn)));
  }

  transactionKey(ksn: string): Buffer {
    return this.#transactionKey(parseAesKsn(ksn));
  }

  /** A working key as bytes; the caller zeroes it. */
  workingKey(ksn: string, usage: AesDukptUsage): Buffer {
    const parsed = parseAesKsn(ksn);
    const transactionKey = keyFrom(this.#transactionKey(parsed));
    return aesDerive(transactionKey, USAGE[usage], this.#length, counterData(parsed, parsed.counter));
  }

  cipher(ksn: string, usage: AesDukptUsage): AesKey {
    return keyFrom(this.workingKey(ksn, usage));
  }

  #transactionKey(ksn: AesKsn): Buffer {
    let key: Buffer = Buffer.from(this.#initialKey(ksn));
    let soFar = 0;
    for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
      if ((ksn.counter & bit) === 0) continue;
      soFar = (soFar | bit) >>> 0;
      key = aesDerive(keyFrom(key), USAGE.derivation, this.#length, counterData(ksn, soFar));
    }
    return key;
  }

  #initialKey(ksn: AesKsn): Buffer {
    const id = ksn.initialKeyId.toString('hex');
    let key = this.#initialKeys.get(id);
    if (!key) {
      key = aesDerive(this.#bdk, USAGE.initialKey, this.#length, ksn.initialKeyId);
      this.#initialKeys.set(id, key);
    }
    return key;
  }

  [inspect.custom](): string {
    return 'AesDukpt';
  }

  toString(): string {
    return 'AesDukpt';
  }

  toJSON(): string {
    return 'AesDukpt';
  }
}
