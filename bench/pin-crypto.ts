import { createCipheriv, createDecipheriv, randomBytes, type Cipher, type Decipher } from 'node:crypto';

/**
 * The PIN bench's own crypto, straight on node:crypto (OpenSSL), written apart from libs/hsm on
 * purpose (the logic follows test/hsm/terminal.ts, X9.24-1 / X9.24-3 spelled out):
 *
 * - the terminal side (PIN pad): makes the encrypted PIN blocks the drivers then verify, so a
 *   VERIFIED from a driver is checked against an independent implementation;
 * - the baselines: the minimal equivalent host-side work of one verification — the same DES/AES
 *   operations the software HSM has to do, no more — so driver/baseline says what the driver's
 *   code costs beyond the cryptography. Same caching as the driver: the IPEK / initial key per
 *   terminal, and one reused OpenSSL context per fixed key (TPK, PVK); every key that changes per
 *   request (DUKPT derivation steps, working keys) gets a new context, which is what OpenSSL needs.
 */

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

function ecbEncrypt(algorithm: string, key: Uint8Array, data: Uint8Array): Buffer {
  const cipher = createCipheriv(algorithm, key, null);
  cipher.setAutoPadding(false);
  return cipher.update(data);
}

function ecbDecrypt(algorithm: string, key: Uint8Array, data: Uint8Array): Buffer {
  const decipher = createDecipheriv(algorithm, key, null);
  decipher.setAutoPadding(false);
  return decipher.update(data);
}

/** A fixed key with one reused context each way (ECB, whole blocks: no state between calls). */
export class FixedEcb {
  readonly #encipher: Cipher;
  readonly #decipher: Decipher;

  constructor(algorithm: string, key: Uint8Array) {
    this.#encipher = createCipheriv(algorithm, key, null);
    this.#encipher.setAutoPadding(false);
    this.#decipher = createDecipheriv(algorithm, key, null);
    this.#decipher.setAutoPadding(false);
  }

  encrypt(data: Uint8Array): Buffer {
    return this.#encipher.update(data);
  }

  decrypt(data: Uint8Array): Buffer {
    return this.#decipher.update(data);
  }
}

// ---- PIN fields ------------------------------------------------------------------------------

/** ISO 9564 format 0 PAN field: 0000 ‖ 12 rightmost PAN digits excluding the check digit. */
function iso0PanField(pan: string): Buffer {
  return hex('0000' + pan.slice(0, -1).slice(-12));
}

export function iso0Clear(pin: string, pan: string): Buffer {
  const pinField = hex(('0' + pin.length.toString(16) + pin).padEnd(16, 'F'));
  const panField = iso0PanField(pan);
  for (let i = 0; i < 8; i++) pinField[i] ^= panField[i];
  return pinField;
}

/** The PIN of a clear ISO-0 block, or undefined if it does not decode. */
function iso0Pin(clear: Buffer, pan: string): string | undefined {
  const panField = iso0PanField(pan);
  for (let i = 0; i < 8; i++) clear[i] ^= panField[i];
  const nibbles = clear.toString('hex').toUpperCase();
  const length = parseInt(nibbles[1], 16);
  if (nibbles[0] !== '0' || length < 4 || length > 12) return undefined;
  const pin = nibbles.slice(2, 2 + length);
  return /^\d+$/.test(pin) && /^F*$/.test(nibbles.slice(2 + length)) ? pin : undefined;
}

function iso4PanField(pan: string): Buffer {
  const digits = pan.padStart(12, '0');
  return hex((digits.length - 12).toString() + digits.padEnd(31, '0'));
}

function iso4PinField(pin: string): Buffer {
  return Buffer.concat([hex('4' + pin.length.toString(16) + pin.padEnd(14, 'A')), randomBytes(8)]);
}

function iso4Pin(field: Buffer): string | undefined {
  const nibbles = field.toString('hex', 0, 8).toUpperCase();
  const length = parseInt(nibbles[1], 16);
  if (nibbles[0] !== '4' || length < 4 || length > 12) return undefined;
  const pin = nibbles.slice(2, 2 + length);
  return /^\d+$/.test(pin) && /^A*$/.test(nibbles.slice(2 + length)) ? pin : undefined;
}

function xorInto(target: Buffer, other: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] ^= other[i];
}

// ---- Visa PVV ---------------------------------------------------------------------------------

/** PVV = first 4 decimal digits of TDES(PVK, TSP), then A-F → 0-5 (payments-facts.md §4.2). */
export function pvvOf(pvk: FixedEcb, pan: string, pvki: number, pin: string): string {
  const out = pvk.encrypt(hex(pan.slice(0, -1).slice(-11) + String(pvki) + pin.slice(0, 4))).toString('hex').toUpperCase();
  let pvv = '';
  for (const c of out) if (c <= '9' && pvv.length < 4) pvv += c;
  for (const c of out) if (c >= 'A' && pvv.length < 4) pvv += String(c.charCodeAt(0) - 65);
  return pvv;
}

// ---- TDES DUKPT (X9.24-1) ---------------------------------------------------------------------

const C0C0 = hex('C0C0C0C000000000C0C0C0C000000000');
const PIN_VARIANT = hex('00000000000000FF00000000000000FF');

/** The KSN's 21-bit transaction counter. */
export function tdesCounter(ksn: Buffer): number {
  return ((ksn[7] & 0x1f) << 16) | (ksn[8] << 8) | ksn[9];
}

/** IPEK = TDES(BDK, x) ‖ TDES(BDK ⊕ C0C0…, x), x = leftmost 8 KSN bytes with the counter bits cleared. */
function tdesIpek(bdk: Uint8Array, ksn: Buffer): Buffer {
  const initial = Buffer.from(ksn.subarray(0, 8));
  initial[7] &= 0xe0;
  const variant = Buffer.from(bdk);
  xorInto(variant, C0C0);
  return Buffer.concat([ecbEncrypt('des-ede-ecb', bdk, initial), ecbEncrypt('des-ede-ecb', variant, initial)]);
}

/**
 * The PIN key from the IPEK: one NRKGP (two single-DES, each a new OpenSSL context as DES-EDE
 * with K|K: OpenSSL 3's default provider has no plain DES) per counter one-bit, then the PIN variant.
 */
function tdesPinKey(ipek: Buffer, ksn: Buffer): Buffer {
  const counter = tdesCounter(ksn);
  const register = Buffer.from(ksn.subarray(2, 10));
  register[5] &= 0xe0;
  register[6] = 0;
  register[7] = 0;
  const key = Buffer.from(ipek);
  const kk = Buffer.alloc(16);
  const block = Buffer.alloc(8);
  const half = (k: Buffer, out: Buffer, at: number): void => {
    k.copy(kk, 0, 0, 8);
    k.copy(kk, 8, 0, 8);
    for (let i = 0; i < 8; i++) block[i] = register[i] ^ k[8 + i];
    const enc = ecbEncrypt('des-ede-ecb', kk, block);
    for (let i = 0; i < 8; i++) out[at + i] = enc[i] ^ k[8 + i];
  };
  const next = Buffer.alloc(16);
  const masked = Buffer.alloc(16);
  for (let bit = 1 << 20; bit !== 0; bit >>>= 1) {
    if ((counter & bit) === 0) continue;
    register[5] |= bit >>> 16;
    register[6] |= (bit >>> 8) & 0xff;
    register[7] |= bit & 0xff;
    half(key, next, 8);
    for (let i = 0; i < 16; i++) masked[i] = key[i] ^ C0C0[i];
    half(masked, next, 0);
    next.copy(key);
  }
  xorInto(key, PIN_VARIANT);
  return key;
}

export function tdesDukptPinBlock(bdk: Uint8Array, ksn: Buffer, pin: string, pan: string): string {
  const key = tdesPinKey(tdesIpek(bdk, ksn), ksn);
  return ecbEncrypt('des-ede-ecb', key, iso0Clear(pin, pan)).toString('hex').toUpperCase();
}

// ---- AES DUKPT (X9.24-3, AES-128 BDK) ---------------------------------------------------------

export function aesCounter(ksn: Buffer): number {
  return ksn.readUInt32BE(8);
}

/** Derivation data: 01 ‖ 01 ‖ usage ‖ 0002 (AES-128) ‖ 0080 (128 bits) ‖ 8 bytes; one AES-ECB block. */
function aesDerive(parent: Uint8Array, usage: number, data8: Uint8Array): Buffer {
  const data = Buffer.from([1, 1, usage >> 8, usage & 0xff, 0x00, 0x02, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]);
  data.set(data8, 8);
  return ecbEncrypt('aes-128-ecb', parent, data);
}

function aesInitialKey(bdk: Uint8Array, ksn: Buffer): Buffer {
  return aesDerive(bdk, 0x8001, ksn.subarray(0, 8));
}

/** One derivation (new context) per counter one-bit, then the PIN working key (usage 1000). */
function aesPinKey(initialKey: Buffer, ksn: Buffer): Buffer {
  const counter = aesCounter(ksn);
  const data = Buffer.alloc(8);
  ksn.copy(data, 0, 4, 8);
  let key = initialKey;
  let soFar = 0;
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if ((counter & bit) === 0) continue;
    soFar = (soFar | bit) >>> 0;
    data.writeUInt32BE(soFar, 4);
    key = aesDerive(key, 0x8000, data);
  }
  data.writeUInt32BE(counter >>> 0, 4);
  return aesDerive(key, 0x1000, data);
}

export function aesDukptPinBlock(bdk: Uint8Array, ksn: Buffer, pin: string, pan: string): string {
  const key = aesPinKey(aesInitialKey(bdk, ksn), ksn);
  const intermediate = ecbEncrypt('aes-128-ecb', key, iso4PinField(pin));
  xorInto(intermediate, iso4PanField(pan));
  return ecbEncrypt('aes-128-ecb', key, intermediate).toString('hex').toUpperCase();
}

// ---- baselines: one host-side verification, minimal, on node:crypto ----------------------------

/** What a baseline verifies: the block as it arrives (hex), its KSN (hex) if DUKPT, the stored PVV. */
export interface BaselineInput {
  readonly pan: string;
  readonly block: string;
  readonly ksn?: string;
  readonly pvv: string;
}

export interface Baseline {
  verify(input: BaselineInput): boolean;
}

/** (a) ISO-0 under a fixed TPK: one TDES decryption (reused context) + the PVV's TDES encryption. */
export class FixedTpkBaseline implements Baseline {
  constructor(
    private readonly tpk: FixedEcb,
    private readonly pvk: FixedEcb,
    private readonly pvki: number,
  ) {}

  verify(input: BaselineInput): boolean {
    const pin = iso0Pin(this.tpk.decrypt(hex(input.block)), input.pan);
    return pin !== undefined && pvvOf(this.pvk, input.pan, this.pvki, pin) === input.pvv;
  }
}

/**
 * (b) TDES DUKPT: IPEK cached per terminal (2 TDES on a miss); per request 2 single-DES per counter
 * one-bit (new contexts), one TDES decryption under the PIN key (new context), the PVV (reused).
 */
export class TdesDukptBaseline implements Baseline {
  readonly #ipeks = new Map<string, Buffer>();

  constructor(
    private readonly bdk: Uint8Array,
    private readonly pvk: FixedEcb,
    private readonly pvki: number,
  ) {}

  verify(input: BaselineInput): boolean {
    const ksn = hex(input.ksn!);
    const id = ksn.toString('hex', 0, 7) + (ksn[7] & 0xe0).toString(16);
    let ipek = this.#ipeks.get(id);
    if (!ipek) this.#ipeks.set(id, (ipek = tdesIpek(this.bdk, ksn)));
    const pin = iso0Pin(ecbDecrypt('des-ede-ecb', tdesPinKey(ipek, ksn), hex(input.block)), input.pan);
    return pin !== undefined && pvvOf(this.pvk, input.pan, this.pvki, pin) === input.pvv;
  }
}

/**
 * (c) AES DUKPT, ISO-4: initial key cached per terminal; per request one AES derivation per counter
 * one-bit + the working key (new contexts), two AES decryptions under it (one context), the PVV.
 */
export class AesDukptBaseline implements Baseline {
  readonly #initialKeys = new Map<string, Buffer>();

  constructor(
    private readonly bdk: Uint8Array,
    private readonly pvk: FixedEcb,
    private readonly pvki: number,
  ) {}

  verify(input: BaselineInput): boolean {
    const ksn = hex(input.ksn!);
    const id = ksn.toString('hex', 0, 8);
    let initialKey = this.#initialKeys.get(id);
    if (!initialKey) this.#initialKeys.set(id, (initialKey = aesInitialKey(this.bdk, ksn)));
    const decipher = createDecipheriv('aes-128-ecb', aesPinKey(initialKey, ksn), null);
    decipher.setAutoPadding(false);
    const intermediate = decipher.update(hex(input.block));
    xorInto(intermediate, iso4PanField(input.pan));
    const pin = iso4Pin(decipher.update(intermediate));
    return pin !== undefined && pvvOf(this.pvk, input.pan, this.pvki, pin) === input.pvv;
  }
}
