import { describe, expect, it } from 'vitest';
import { AesKey } from '../../libs/hsm/src/software/aes.js';
import { DesEde } from '../../libs/hsm/src/software/des.js';
import { iso9797Pad, mac8, retailMac, type Iso9797Padding } from '../../libs/hsm/src/software/mac.js';
import { cryptoError } from './helpers.js';
import { vectors } from './vectors.js';

interface MacVectors {
  retailMac: { key: string; dataAscii?: string; dataHex?: string; padding: Iso9797Padding; mac: string }[];
  aesCmac: { key: string; dataHex: string; mac: string }[];
}
const { retailMac: retail, aesCmac } = vectors<MacVectors>('mac.json');
const hex = (s: string) => Buffer.from(s, 'hex');

describe('ISO 9797-1 algorithm 3 (shared/vectors/mac.json "retailMac": psec test_mac.py, J8k3/CyberChef)', () => {
  for (const v of retail) {
    const data = v.dataAscii !== undefined ? Buffer.from(v.dataAscii, 'ascii') : hex(v.dataHex!);
    const source = v.dataAscii !== undefined ? 'psec tests/test_mac.py' : 'J8k3/CyberChef Payment.mjs';
    it(`${source}: key ${v.key}, ${v.dataAscii !== undefined ? `"${v.dataAscii}"` : v.dataHex}, padding ${v.padding} → ${v.mac}`, () => {
      expect(retailMac(new DesEde(hex(v.key)), data, v.padding).toString('hex').toUpperCase()).toBe(v.mac);
      if (v.padding === 1) {
        // The port's ISO9797-1-ALG3 is padding method 1 (ANSI X9.19).
        expect(mac8({ algorithm: 'ISO9797-1-ALG3', key: new DesEde(hex(v.key)) }, data).toString('hex').toUpperCase()).toBe(v.mac);
      }
    });
  }

  it('padding: method 1 zero-fills (an empty message is one zero block), method 2 always adds 80', () => {
    expect(iso9797Pad(Buffer.alloc(0), 1).toString('hex')).toBe('0000000000000000');
    expect(iso9797Pad(hex('1122334455667788'), 1).toString('hex')).toBe('1122334455667788');
    expect(iso9797Pad(hex('11'), 1).toString('hex')).toBe('1100000000000000');
    expect(iso9797Pad(hex('1122334455667788'), 2).toString('hex')).toBe('11223344556677888000000000000000');
    expect(iso9797Pad(Buffer.alloc(0), 2).toString('hex')).toBe('8000000000000000');
  });

  it('a triple-length key is refused → WRONG_KEY_TYPE', async () => {
    expect((await cryptoError(() => retailMac(new DesEde(Buffer.alloc(24, 3)), Buffer.alloc(8), 1))).code).toBe('WRONG_KEY_TYPE');
  });
});

describe('AES-CMAC truncated to 8 bytes (shared/vectors/mac.json "aesCmac", RFC 4493; payments-facts.md §6.2)', () => {
  for (const v of aesCmac) {
    it(`RFC 4493: ${v.dataHex.length / 2} bytes → ${v.mac.slice(0, 16)} (leftmost 8 bytes of ${v.mac})`, () => {
      expect(mac8({ algorithm: 'AES-CMAC', key: new AesKey(hex(v.key)) }, hex(v.dataHex)).toString('hex').toUpperCase()).toBe(v.mac.slice(0, 16));
    });
  }

  it('J8k3/CyberChef (payments-facts.md §6.2): key 00112233…EEFF, 1122334455667788 → 339AF1AD1650E908', () => {
    const key = new AesKey(hex('00112233445566778899AABBCCDDEEFF'));
    expect(mac8({ algorithm: 'AES-CMAC', key }, hex('1122334455667788')).toString('hex').toUpperCase()).toBe('339AF1AD1650E908');
  });
});
