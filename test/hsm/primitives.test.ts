import { describe, expect, it } from 'vitest';
import { AesKey } from '../../libs/hsm/src/software/aes.js';
import { keyCheckValue } from '../../libs/hsm/src/software/kcv.js';
import { decodePinBlock, encodePinBlock } from '../../libs/hsm/src/software/pin-block.js';
import { TdesKey } from '../../libs/hsm/src/software/tdes.js';
import { vectors } from './vectors.js';

const hex = (s: string) => Buffer.from(s, 'hex');

interface MacVectors {
  aesCmac: { key: string; dataHex: string; mac: string }[];
  kcv: { key: string; algorithm: 'TDES' | 'AES'; method?: string; kcv: string }[];
}
interface PinBlockVectors {
  encrypted: { format: number; key: string; kcv?: string; pin: string; pan: string; encrypted: string; fill?: string }[];
  translate: { pan: string; from: { key: string; block: string }; to: { key: string; block: string } }[];
}
const mac = vectors<MacVectors>('mac.json');
const pinblock = vectors<PinBlockVectors>('pinblock.json');

describe('KCV (shared/vectors/mac.json "kcv"; payments-facts.md §7)', () => {
  for (const v of mac.kcv) {
    it(`${v.algorithm} ${v.method ?? 'zero block'}: ${v.key} → ${v.kcv}`, () => {
      if (v.algorithm === 'TDES') {
        expect(keyCheckValue('TDES', hex(v.key))).toBe(v.kcv);
      } else if (v.method === 'ECB of a zero block') {
        expect(new AesKey(hex(v.key)).kcvEcb()).toBe(v.kcv);
      } else {
        // The AES KCV Saldo stores: CMAC of 16 zero bytes (AWS Payment Cryptography, X9.24-1:2017).
        expect(keyCheckValue('AES', hex(v.key))).toBe(v.kcv);
      }
    });
  }

  it('TDES KCVs of the PIN keys in shared/vectors/pinblock.json "encrypted"', () => {
    for (const v of pinblock.encrypted.filter((e) => e.kcv)) expect(keyCheckValue('TDES', hex(v.key))).toBe(v.kcv);
  });
});

describe('AES-CMAC (shared/vectors/mac.json "aesCmac", RFC 4493)', () => {
  for (const v of mac.aesCmac) {
    it(`${v.dataHex.length / 2} bytes → ${v.mac}`, () => {
      expect(new AesKey(hex(v.key)).cmac(hex(v.dataHex)).toString('hex').toUpperCase()).toBe(v.mac);
    });
  }

  it('RFC 4493 example 4 (64 bytes, several complete blocks)', () => {
    const data =
      '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';
    expect(new AesKey(hex('2b7e151628aed2a6abf7158809cf4f3c')).cmac(hex(data)).toString('hex')).toBe(
      '51f0bebf7e3b9d92fc49741779363cfe',
    );
  });
});

describe('TDES helpers', () => {
  it('single DES through K|K: the classic worked example (Grabbe, "The DES Algorithm Illustrated")', () => {
    const des = TdesKey.singleDes(hex('133457799BBCDFF1'));
    expect(des.encrypt(hex('0123456789ABCDEF')).toString('hex').toUpperCase()).toBe('85E813540F0AB405');
    expect(des.decrypt(hex('85E813540F0AB405')).toString('hex').toUpperCase()).toBe('0123456789ABCDEF');
  });

  it('3-key TDES with K1=K2=K3 equals single DES', () => {
    const k = hex('133457799BBCDFF1');
    const three = new TdesKey(Buffer.concat([k, k, k]));
    expect(three.encrypt(hex('0123456789ABCDEF')).toString('hex').toUpperCase()).toBe('85E813540F0AB405');
  });

  it('reused contexts: many blocks in a row, and a refused partial block does not disturb the next call', () => {
    const key = new TdesKey(hex('0123456789ABCDEFFEDCBA9876543210'));
    for (let i = 0; i < 1000; i++) expect(key.kcv()).toBe('08D7B4');
    expect(() => key.encrypt(Buffer.alloc(5))).toThrow(/whole number of 8-byte blocks/);
    expect(() => key.decrypt(Buffer.alloc(0))).toThrow(/whole number of 8-byte blocks/);
    const twoBlocks = key.encrypt(Buffer.alloc(16));
    expect(twoBlocks.toString('hex').toUpperCase()).toBe('08D7B4FB629D0885'.repeat(2));
    expect(key.decrypt(twoBlocks)).toEqual(Buffer.alloc(16));
  });

  it('inspect and JSON forms never show key bytes', async () => {
    const { inspect } = await import('node:util');
    const key = new TdesKey(hex('0123456789ABCDEFFEDCBA9876543210'));
    for (const shown of [inspect(key, { showHidden: true, depth: 5 }), JSON.stringify({ key }), key.toString()]) {
      expect(shown.toUpperCase()).not.toContain('0123456789ABCDEF');
    }
  });
});

describe('encrypted PIN blocks (shared/vectors/pinblock.json "encrypted", TDES rows; J8k3/CyberChef)', () => {
  for (const v of pinblock.encrypted.filter((e) => e.format === 0)) {
    it(`ISO-0 PIN ${v.pin} PAN ${v.pan} under ${v.key} → ${v.encrypted}`, () => {
      const key = new TdesKey(hex(v.key));
      const clear = encodePinBlock({ format: 'ISO-0', pin: v.pin, pan: v.pan });
      expect(key.encrypt(clear).toString('hex').toUpperCase()).toBe(v.encrypted);
      expect(decodePinBlock('ISO-0', key.decrypt(hex(v.encrypted)), v.pan)).toBe(v.pin);
    });
  }

  it.todo('ISO-4 (AES) rows: format 4 comes with the AES DUKPT issue');

  for (const t of pinblock.translate) {
    it(`translate ZPK→ZPK (shared/vectors/pinblock.json "translate"): ${t.from.block} → ${t.to.block}`, () => {
      const pin = decodePinBlock('ISO-0', new TdesKey(hex(t.from.key)).decrypt(hex(t.from.block)), t.pan);
      const out = new TdesKey(hex(t.to.key)).encrypt(encodePinBlock({ format: 'ISO-0', pin, pan: t.pan }));
      expect(out.toString('hex').toUpperCase()).toBe(t.to.block);
    });
  }
});
