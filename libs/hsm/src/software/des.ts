import { inspect } from 'node:util';
import { CryptoError } from '../crypto.port.js';

/**
 * DES and TDES (EDE, ECB) in plain JavaScript, for keys that change on every request.
 *
 * Why not OpenSSL: DUKPT derives ~20 single-DES keys per transaction and every OpenSSL context
 * costs ~3 µs to create, several times the DES work (shared/notes/lean-limit.md: crypto fell from
 * ≈ 70 µs to ≈ 12 µs per request with a JS DES). OpenSSL 3's default provider has no single DES
 * anyway (DESIGN.md §6). Keys used for many requests (TPK, PVK) keep OpenSSL with a reused context
 * (tdes.ts).
 *
 * Layout: the FIPS 46-3 tables below are expanded once at load into byte-indexed lookup tables
 * (initial/final permutation, PC-1, PC-2) and eight combined S-box + P tables, so a block is 16
 * rounds of 8 lookups on two 32-bit words, and a key schedule is ~150 lookups. Checked against
 * OpenSSL on random keys and blocks in test/hsm/des.test.ts.
 */

const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36, 63, 55, 47, 39,
  31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30, 40, 51,
  45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
// prettier-ignore
const S = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

/** Bit `n` (1 = most significant) of a `width`-bit word. */
const bit = (n: number, width: number): number => (1 << (width - n)) | 0;

/**
 * A 64-bit permutation as 8 tables (one per input byte) × 256 values × 2 output words.
 * `table[k]` is the 1-based input bit that lands on output bit k + 1.
 */
function byteTable(table: readonly number[]): Int32Array {
  const out = new Int32Array(8 * 256 * 2);
  for (let k = 0; k < table.length; k++) {
    const source = table[k] - 1;
    const byte = source >> 3;
    const mask = 0x80 >> (source & 7);
    const word = k < 32 ? 0 : 1;
    const set = bit((k % 32) + 1, 32);
    for (let v = 0; v < 256; v++) if (v & mask) out[(byte * 256 + v) * 2 + word] |= set;
  }
  return out;
}

const IP_TABLE = byteTable(IP);
const FP_TABLE = byteTable(IP.map((_, k) => IP.indexOf(k + 1) + 1)); // the inverse of IP
// PC-1 is 56 outputs: C = outputs 1-28 in word 0, D = outputs 29-56 in word 1 (each as 28 bits).
const PC1_TABLE = (() => {
  const out = new Int32Array(8 * 256 * 2);
  for (let k = 0; k < 56; k++) {
    const source = PC1[k] - 1;
    const set = bit((k % 28) + 1, 28);
    for (let v = 0; v < 256; v++) if (v & (0x80 >> (source & 7))) out[((source >> 3) * 256 + v) * 2 + (k < 28 ? 0 : 1)] |= set;
  }
  return out;
})();
// PC-2 outputs 1-24 come only from C and 25-48 only from D: per half, 4 tables of 7 input bits → 24 output bits.
const PC2_TABLE = (() => {
  const out = new Int32Array(2 * 4 * 128);
  for (let k = 0; k < 48; k++) {
    const half = k < 24 ? 0 : 1;
    const source = PC2[k] - 1 - half * 28; // 0-27 within the half
    const chunk = Math.floor(source / 7);
    const mask = 0x40 >> (source % 7);
    const set = bit((k % 24) + 1, 24);
    for (let v = 0; v < 128; v++) if (v & mask) out[(half * 4 + chunk) * 128 + v] |= set;
  }
  return out;
})();
// SP[j][x]: S-box j on the 6-bit x (row = outer bits, column = inner four), placed and permuted by P.
const SP = S.map((box, j) => {
  const out = new Int32Array(64);
  for (let x = 0; x < 64; x++) {
    const row = ((x & 0x20) >> 4) | (x & 1);
    const nibble = box[row * 16 + ((x >> 1) & 0xf)];
    let permuted = 0;
    for (let k = 0; k < 32; k++) {
      const source = P[k] - 1; // 0-31 in the S-box output word
      if (source >> 2 === j && nibble & (8 >> (source & 3))) permuted |= bit(k + 1, 32);
    }
    out[x] = permuted;
  }
  return out;
});
const [SP0, SP1, SP2, SP3, SP4, SP5, SP6, SP7] = SP;

/** The 64-bit block between the initial and final permutations, as two words (the block L, R). */
const words = new Int32Array(2);

function permuteIn(table: Int32Array, input: Uint8Array, offset: number): void {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 8; i++) {
    const at = (i * 256 + input[offset + i]) * 2;
    hi |= table[at];
    lo |= table[at + 1];
  }
  words[0] = hi;
  words[1] = lo;
}

/** Final permutation of the words (R16, L16 already swapped by the caller) into output bytes. */
function permuteOut(output: Uint8Array, offset: number): void {
  const hi = words[0];
  const lo = words[1];
  let outHi = 0;
  let outLo = 0;
  for (let i = 0; i < 8; i++) {
    const byte = i < 4 ? (hi >>> (24 - 8 * i)) & 0xff : (lo >>> (56 - 8 * i)) & 0xff;
    const at = (i * 256 + byte) * 2;
    outHi |= FP_TABLE[at];
    outLo |= FP_TABLE[at + 1];
  }
  output[offset] = outHi >>> 24;
  output[offset + 1] = outHi >>> 16;
  output[offset + 2] = outHi >>> 8;
  output[offset + 3] = outHi;
  output[offset + 4] = outLo >>> 24;
  output[offset + 5] = outLo >>> 16;
  output[offset + 6] = outLo >>> 8;
  output[offset + 7] = outLo;
}

/**
 * 16 Feistel rounds on `words` (L, R) → (R16, L16), ready for the final permutation or for the
 * next DES of a TDES chain (whose initial permutation would undo the final one).
 */
function rounds(subkeys: Int32Array, decrypt: boolean): void {
  let l = words[0];
  let r = words[1];
  for (let i = 0; i < 16; i++) {
    const n = decrypt ? 30 - 2 * i : 2 * i;
    const kc = subkeys[n];
    const kd = subkeys[n + 1];
    // E expansion without expanding: group j of E(R) is 6 bits of R rotated right by one.
    const rr = (r >>> 1) | (r << 31);
    const f =
      SP0[((rr >>> 26) ^ (kc >>> 18)) & 63] |
      SP1[((rr >>> 22) ^ (kc >>> 12)) & 63] |
      SP2[((rr >>> 18) ^ (kc >>> 6)) & 63] |
      SP3[((rr >>> 14) ^ kc) & 63] |
      SP4[((rr >>> 10) ^ (kd >>> 18)) & 63] |
      SP5[((rr >>> 6) ^ (kd >>> 12)) & 63] |
      SP6[((rr >>> 2) ^ (kd >>> 6)) & 63] |
      SP7[(((rr << 2) | (rr >>> 30)) ^ kd) & 63];
    const t = r;
    r = l ^ f;
    l = t;
  }
  words[0] = r;
  words[1] = l;
}

/** Fills `subkeys` (32 words: C-half and D-half of PC-2 per round) from 8 key bytes at `offset`. */
function schedule(key: Uint8Array, offset: number, subkeys: Int32Array): void {
  let c = 0;
  let d = 0;
  for (let i = 0; i < 8; i++) {
    const at = (i * 256 + key[offset + i]) * 2;
    c |= PC1_TABLE[at];
    d |= PC1_TABLE[at + 1];
  }
  for (let round = 0; round < 16; round++) {
    const s = SHIFTS[round];
    c = ((c << s) | (c >>> (28 - s))) & 0x0fffffff;
    d = ((d << s) | (d >>> (28 - s))) & 0x0fffffff;
    subkeys[2 * round] =
      PC2_TABLE[(c >>> 21) & 127] | PC2_TABLE[128 + ((c >>> 14) & 127)] | PC2_TABLE[256 + ((c >>> 7) & 127)] | PC2_TABLE[384 + (c & 127)];
    subkeys[2 * round + 1] =
      PC2_TABLE[512 + ((d >>> 21) & 127)] |
      PC2_TABLE[640 + ((d >>> 14) & 127)] |
      PC2_TABLE[768 + ((d >>> 7) & 127)] |
      PC2_TABLE[896 + (d & 127)];
  }
}

/** A single-DES key schedule. `rekey` reuses it, so derivation loops allocate nothing. */
export class DesKey {
  readonly #subkeys = new Int32Array(32);

  constructor(key?: Uint8Array, offset = 0) {
    if (key) this.rekey(key, offset);
  }

  rekey(key: Uint8Array, offset = 0): this {
    if (offset < 0 || key.length < offset + 8) throw new CryptoError('BAD_INPUT', 'a single-DES key must be 8 bytes');
    schedule(key, offset, this.#subkeys);
    return this;
  }

  /** One 8-byte block from `input[inOffset]` to `output[outOffset]` (may be the same place). */
  encryptBlock(input: Uint8Array, inOffset: number, output: Uint8Array, outOffset: number): void {
    permuteIn(IP_TABLE, input, inOffset);
    rounds(this.#subkeys, false);
    permuteOut(output, outOffset);
  }

  decryptBlock(input: Uint8Array, inOffset: number, output: Uint8Array, outOffset: number): void {
    permuteIn(IP_TABLE, input, inOffset);
    rounds(this.#subkeys, true);
    permuteOut(output, outOffset);
  }

  /** For DesEde: the rounds alone, on the shared words. */
  rounds(decrypt: boolean): void {
    rounds(this.#subkeys, decrypt);
  }

  /** Zeroes the schedule (it is key material). */
  wipe(): void {
    this.#subkeys.fill(0);
  }

  [inspect.custom](): string {
    return 'DesKey';
  }

  toString(): string {
    return 'DesKey';
  }

  toJSON(): string {
    return 'DesKey';
  }
}

/**
 * Two-key (16 bytes, K3 = K1) or three-key (24 bytes) TDES, EDE, ECB: encrypt = E(K3, D(K2, E(K1, x))).
 * Same encrypt/decrypt shape as TdesKey, so either can be a PIN-block cipher.
 */
export class DesEde {
  readonly k1: DesKey;
  readonly k2: DesKey;
  readonly k3: DesKey;
  readonly length: 16 | 24;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24) throw new CryptoError('BAD_INPUT', 'a TDES key must be 16 or 24 bytes');
    this.length = key.length;
    this.k1 = new DesKey(key, 0);
    this.k2 = new DesKey(key, 8);
    this.k3 = key.length === 24 ? new DesKey(key, 16) : this.k1;
  }

  encryptBlock(input: Uint8Array, inOffset: number, output: Uint8Array, outOffset: number): void {
    permuteIn(IP_TABLE, input, inOffset);
    this.k1.rounds(false);
    this.k2.rounds(true);
    this.k3.rounds(false);
    permuteOut(output, outOffset);
  }

  decryptBlock(input: Uint8Array, inOffset: number, output: Uint8Array, outOffset: number): void {
    permuteIn(IP_TABLE, input, inOffset);
    this.k3.rounds(true);
    this.k2.rounds(false);
    this.k1.rounds(true);
    permuteOut(output, outOffset);
  }

  encrypt(data: Uint8Array): Buffer {
    return this.#each(data, (i, out) => this.encryptBlock(data, i, out, i));
  }

  decrypt(data: Uint8Array): Buffer {
    return this.#each(data, (i, out) => this.decryptBlock(data, i, out, i));
  }

  wipe(): void {
    this.k1.wipe();
    this.k2.wipe();
    this.k3.wipe();
  }

  #each(data: Uint8Array, block: (offset: number, out: Buffer) => void): Buffer {
    if (data.length === 0 || data.length % 8 !== 0) {
      throw new CryptoError('BAD_INPUT', 'TDES-ECB input must be a whole number of 8-byte blocks');
    }
    const out = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; i += 8) block(i, out);
    return out;
  }

  [inspect.custom](): string {
    return `DesEde(${this.length * 8} bits)`;
  }

  toString(): string {
    return `DesEde(${this.length * 8} bits)`;
  }

  toJSON(): string {
    return this.toString();
  }
}
