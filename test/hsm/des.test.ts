import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DesEde, DesKey } from '../../libs/hsm/src/software/des.js';

const hex = (s: string) => Buffer.from(s, 'hex');

/** The reference: OpenSSL, single DES as K|K (DESIGN.md §6). */
function openssl(key: Buffer, data: Buffer, decrypt = false): Buffer {
  const algorithm = key.length === 24 ? 'des-ede3-ecb' : 'des-ede-ecb';
  const k = key.length === 8 ? Buffer.concat([key, key]) : key;
  const c = decrypt ? createDecipheriv(algorithm, k, null) : createCipheriv(algorithm, k, null);
  c.setAutoPadding(false);
  return c.update(data);
}

describe('JS DES (des.ts)', () => {
  it('the classic worked example (Grabbe, "The DES Algorithm Illustrated"): 133457799BBCDFF1, 0123456789ABCDEF → 85E813540F0AB405', () => {
    const out = Buffer.alloc(8);
    const key = new DesKey(hex('133457799BBCDFF1'));
    key.encryptBlock(hex('0123456789ABCDEF'), 0, out, 0);
    expect(out.toString('hex').toUpperCase()).toBe('85E813540F0AB405');
    key.decryptBlock(out, 0, out, 0);
    expect(out.toString('hex').toUpperCase()).toBe('0123456789ABCDEF');
  });

  it('TDES KCV of 0123…3210 is 08D7B4FB629D0885 (payments-facts.md §7)', () => {
    expect(new DesEde(hex('0123456789ABCDEFFEDCBA9876543210')).encrypt(Buffer.alloc(8)).toString('hex').toUpperCase()).toBe('08D7B4FB629D0885');
  });

  it('matches OpenSSL on 3,000 random single, 2-key and 3-key DES keys and blocks, both directions', () => {
    let mismatches = 0;
    const single = new DesKey();
    const out = Buffer.alloc(8);
    for (let i = 0; i < 1000; i++) {
      const data = randomBytes(8);
      const k8 = randomBytes(8);
      single.rekey(k8).encryptBlock(data, 0, out, 0);
      if (!out.equals(openssl(k8, data))) mismatches++;
      for (const length of [16, 24]) {
        const key = randomBytes(length);
        const ede = new DesEde(key);
        const encrypted = ede.encrypt(data);
        if (!encrypted.equals(openssl(key, data))) mismatches++;
        if (!ede.decrypt(encrypted).equals(data)) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('shows no key material', () => {
    const ede = new DesEde(hex('0123456789ABCDEFFEDCBA9876543210'));
    expect(inspect(ede, { showHidden: true, depth: 5 }) + JSON.stringify({ ede })).not.toMatch(/0123456789/i);
  });
});
