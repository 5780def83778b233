import { createCipheriv } from 'node:crypto';
import type { EncryptedPinBlock, PinBlockFormat } from '../../libs/hsm/src/crypto.port.js';
import { AesKey } from '../../libs/hsm/src/software/aes.js';
import { encodePinBlock } from '../../libs/hsm/src/software/pin-block.js';

/**
 * A DUKPT terminal (PIN pad) for the tests, written apart from the driver on purpose: every DES and
 * AES step goes straight through OpenSSL (single DES as K|K), and the derivations are spelled out
 * from X9.24-1 / X9.24-3 as plainly as possible. The driver's own code (JS DES, caches) is checked
 * against published vectors in dukpt.test.ts; this second implementation checks it on KSNs no
 * vector covers. Only the clear ISO 0/1/3 field encoding (itself vector-tested) and CMAC
 * (RFC 4493-tested) are shared.
 */

const hex = (s: string) => Buffer.from(s, 'hex');
const xor = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.map((x, i) => x ^ b[i]));

function ecb(algorithm: string, key: Uint8Array, data: Uint8Array): Buffer {
  const cipher = createCipheriv(algorithm, key, null);
  cipher.setAutoPadding(false);
  return cipher.update(data);
}
const des = (key8: Uint8Array, block: Uint8Array) => ecb('des-ede-ecb', Buffer.concat([key8, key8]), block);
const tdes = (key16: Uint8Array, block: Uint8Array) => ecb('des-ede-ecb', key16, block);
const aes128 = (key: Uint8Array, block: Uint8Array) => ecb('aes-128-ecb', key, block);

const C0C0 = hex('C0C0C0C000000000C0C0C0C000000000');
const TDES_VARIANT = {
  pin: hex('00000000000000FF00000000000000FF'),
  macRequest: hex('000000000000FF00000000000000FF00'),
  macResponse: hex('00000000FF00000000000000FF000000'),
};

/** X9.24-1: IPEK, then one NRKGP per counter bit, then the variant. */
export function tdesTerminalKey(bdkHex: string, ksnHex: string, usage: keyof typeof TDES_VARIANT): Buffer {
  const bdk = hex(bdkHex);
  const ksn = hex(ksnHex);
  const initial = Buffer.from(ksn.subarray(0, 8));
  initial[7] &= 0xe0;
  let key = Buffer.concat([tdes(bdk, initial), tdes(xor(bdk, C0C0), initial)]);
  const counter = ((ksn[7] & 0x1f) << 16) | (ksn[8] << 8) | ksn[9];
  const register = Buffer.from(ksn.subarray(2, 10));
  register.writeUIntBE(register.readUIntBE(5, 3) & 0xe00000, 5, 3);
  for (let bit = 1 << 20; bit > 0; bit >>= 1) {
    if (!(counter & bit)) continue;
    register.writeUIntBE(register.readUIntBE(5, 3) | bit, 5, 3);
    const right = xor(des(key.subarray(0, 8), xor(register, key.subarray(8))), key.subarray(8));
    const k2 = xor(key, C0C0);
    const left = xor(des(k2.subarray(0, 8), xor(register, k2.subarray(8))), k2.subarray(8));
    key = Buffer.concat([left, right]);
  }
  return xor(key, TDES_VARIANT[usage]);
}

/** X9.24-3 with an AES-128 BDK: IK (usage 8001), one derivation (8000) per counter bit, working key. */
export function aesTerminalKey(bdkHex: string, ksnHex: string, usage: 'pin' | 'macGeneration' | 'macVerification'): Buffer {
  const ksn = hex(ksnHex);
  const derive = (key: Uint8Array, usageCode: number, data8: Uint8Array) =>
    aes128(key, Buffer.concat([Buffer.from([1, 1, usageCode >> 8, usageCode & 0xff, 0x00, 0x02, 0x00, 0x80]), data8]));
  const counterData = (counter: number) => {
    const d = Buffer.alloc(8);
    ksn.copy(d, 0, 4, 8);
    d.writeUInt32BE(counter >>> 0, 4);
    return d;
  };
  let key = derive(hex(bdkHex), 0x8001, ksn.subarray(0, 8));
  const counter = ksn.readUInt32BE(8);
  let soFar = 0;
  for (let i = 31; i >= 0; i--) {
    if (((counter >>> i) & 1) === 0) continue;
    soFar = (soFar | (1 << i)) >>> 0;
    key = derive(key, 0x8000, counterData(soFar));
  }
  return derive(key, { pin: 0x1000, macGeneration: 0x2000, macVerification: 0x2001 }[usage], counterData(counter));
}

/** The block a DUKPT terminal sends: TDES BDK → ISO-0/1/3 (X9.24-1); AES BDK → ISO-4 (X9.24-3). */
export function terminalPinBlock(req: {
  bdkHex: string;
  keyRef: string;
  ksn: string;
  pin: string;
  pan: string;
  format: PinBlockFormat;
}): EncryptedPinBlock {
  if (req.format === 'ISO-4') {
    const key = aesTerminalKey(req.bdkHex, req.ksn, 'pin');
    const pinField = hex('4' + req.pin.length.toString(16) + req.pin.padEnd(30, 'A').slice(0, 14) + '0123456789ABCDEF');
    const digits = req.pan.padStart(12, '0');
    const panField = hex((digits.length - 12).toString() + digits.padEnd(31, '0'));
    const block = aes128(key, xor(aes128(key, pinField), panField));
    return { format: 'ISO-4', block: block.toString('hex').toUpperCase(), keyRef: req.keyRef, ksn: req.ksn };
  }
  const key = tdesTerminalKey(req.bdkHex, req.ksn, 'pin');
  const clear = encodePinBlock({ format: req.format, pin: req.pin, pan: req.pan });
  return { format: req.format, block: tdes(key, clear).toString('hex').toUpperCase(), keyRef: req.keyRef, ksn: req.ksn };
}

/** ISO 9797-1 alg. 3, padding 1, through OpenSSL: single-DES CBC under K1, last block TDES. */
export function terminalRetailMac(key16: Uint8Array, data: Uint8Array): string {
  const padded = Buffer.alloc(Math.max(8, Math.ceil(data.length / 8) * 8));
  padded.set(data);
  let h: Buffer = Buffer.alloc(8);
  for (let i = 0; i < padded.length; i += 8) {
    const x = xor(h, padded.subarray(i, i + 8));
    h = i + 8 < padded.length ? des(key16.subarray(0, 8), x) : tdes(key16, x);
  }
  return h.toString('hex').toUpperCase();
}

/** The MAC a DUKPT terminal puts on its request (or expects on the response). */
export function terminalMac(req: { bdkHex: string; ksn: string; data: Uint8Array; direction: 'request' | 'response' }): string {
  if (req.ksn.length === 20) {
    return terminalRetailMac(tdesTerminalKey(req.bdkHex, req.ksn, req.direction === 'request' ? 'macRequest' : 'macResponse'), req.data);
  }
  const key = aesTerminalKey(req.bdkHex, req.ksn, req.direction === 'request' ? 'macGeneration' : 'macVerification');
  return new AesKey(key).cmac(req.data).subarray(0, 8).toString('hex').toUpperCase();
}
