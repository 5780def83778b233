import { describe, expect, it } from 'vitest';
import { KeyAdmin } from '../../libs/hsm/src/software/key-admin.js';
import { MemoryKeyStore } from '../../libs/hsm/src/software/key-store.js';
import { Lmk } from '../../libs/hsm/src/software/lmk.js';
import { cryptoError, TEST_LMK } from './helpers.js';

const PVK_HEX = '0123456789ABCDEFFEDCBA9876543210';

function setup() {
  const store = new MemoryKeyStore();
  return { store, admin: new KeyAdmin(TEST_LMK, store), lmk: new Lmk(TEST_LMK) };
}

describe('KeyAdmin', () => {
  it('importKey wraps under the LMK, stores the KCV (payments-facts.md §7: 08D7B4) and returns only ref and KCV', async () => {
    const { store, admin, lmk } = setup();
    const result = await admin.importKey({ ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX });
    expect(result).toEqual({ ref: 'PVK', kcv: '08D7B4' });
    const stored = await store.find('PVK');
    expect(stored).toMatchObject({ ref: 'PVK', type: 'PVK', usage: 'V0', algorithm: 'TDES', kcv: '08D7B4', status: 'ACTIVE' });
    expect(stored!.encryptedValue).toMatch(/^v1:/);
    expect(stored!.encryptedValue.toUpperCase()).not.toContain(PVK_HEX);
    expect(lmk.unwrap(stored!.encryptedValue, stored!).toString('hex').toUpperCase()).toBe(PVK_HEX);
  });

  it('importKey checks an expected KCV', async () => {
    const { admin, store } = setup();
    const error = await cryptoError(() =>
      admin.importKey({ ref: 'TPK', type: 'TPK', algorithm: 'TDES', clearHex: PVK_HEX, expectedKcv: '000000' }),
    );
    expect(error.code).toBe('BAD_INPUT');
    expect(await store.find('TPK')).toBeUndefined();
    await admin.importKey({ ref: 'TPK', type: 'TPK', algorithm: 'TDES', clearHex: PVK_HEX, expectedKcv: '08d7b4' });
  });

  it('generateKey: random, TDES with odd parity, AES KCV by CMAC, HMAC 32 bytes', async () => {
    const { admin, store, lmk } = setup();
    const a = await admin.generateKey({ ref: 'ZPK-1', type: 'ZPK', algorithm: 'TDES' });
    const b = await admin.generateKey({ ref: 'ZPK-2', type: 'ZPK', algorithm: 'TDES', lengthBytes: 24 });
    const c = await admin.generateKey({ ref: 'BDK-AES', type: 'BDK', algorithm: 'AES', lengthBytes: 16 });
    const d = await admin.generateKey({ ref: 'PAN_HASH', type: 'PAN_HASH', algorithm: 'HMAC' });
    expect(Object.keys(a)).toEqual(['ref', 'kcv']);
    expect(new Set([a.kcv, b.kcv, c.kcv, d.kcv]).size).toBe(4);
    for (const [ref, length] of [['ZPK-1', 16], ['ZPK-2', 24]] as const) {
      const stored = (await store.find(ref))!;
      const bytes = lmk.unwrap(stored.encryptedValue, stored);
      expect(bytes).toHaveLength(length);
      for (const byte of bytes) expect(byte.toString(2).split('1').length - 1).toSatisfy((n: number) => n % 2 === 1);
    }
    expect(lmk.unwrap((await store.find('PAN_HASH'))!.encryptedValue, (await store.find('PAN_HASH'))!)).toHaveLength(32);
  });

  it('ensureKey is idempotent for the same key and label, and never overwrites a different one', async () => {
    const { admin, store } = setup();
    const spec = { ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX } as const;
    expect(await admin.ensureKey(spec)).toEqual({ ref: 'PVK', kcv: '08D7B4', created: true });
    const first = (await store.find('PVK'))!.encryptedValue;
    expect(await admin.ensureKey(spec)).toEqual({ ref: 'PVK', kcv: '08D7B4', created: false });
    expect((await store.find('PVK'))!.encryptedValue).toBe(first);
    const other = await cryptoError(() => admin.ensureKey({ ...spec, clearHex: 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE' }));
    expect(other.code).toBe('BAD_INPUT');
    expect(other.message).not.toContain('DDDDEEEE');
    expect((await cryptoError(() => admin.ensureKey({ ...spec, usage: 'V2' }))).code).toBe('BAD_INPUT');
    expect((await store.find('PVK'))!.encryptedValue).toBe(first);
  });

  it('importKey refuses an existing ref', async () => {
    const { admin } = setup();
    await admin.importKey({ ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX });
    expect((await cryptoError(() => admin.importKey({ ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX }))).code).toBe(
      'BAD_INPUT',
    );
  });

  it.each([
    ['a PAN hashing key that is TDES', { ref: 'X', type: 'PAN_HASH', algorithm: 'TDES', clearHex: PVK_HEX }],
    ['a PVK that is AES', { ref: 'X', type: 'PVK', algorithm: 'AES', clearHex: PVK_HEX }],
    ['an unknown type', { ref: 'X', type: 'CVK', algorithm: 'TDES', clearHex: PVK_HEX }],
    ['a ref with a space', { ref: 'my key', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX }],
    ['an 8-byte TDES key', { ref: 'X', type: 'PVK', algorithm: 'TDES', clearHex: '0123456789ABCDEF' }],
    ['a 16-byte HMAC key', { ref: 'X', type: 'PAN_HASH', algorithm: 'HMAC', clearHex: PVK_HEX }],
    ['a key with a non-hex digit', { ref: 'X', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX.slice(0, 31) + 'G' }],
    ['a usage that is not a TR-31 code', { ref: 'X', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX, usage: 'verify' }],
  ])('refuses %s (BAD_INPUT, key not echoed)', async (_name, spec) => {
    const { admin } = setup();
    const error = await cryptoError(() => admin.importKey(spec as Parameters<KeyAdmin['importKey']>[0]));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message.toUpperCase()).not.toContain('0123456789ABCDEF');
  });
});
