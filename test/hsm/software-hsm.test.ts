import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Pan } from '../../libs/domain/src/pan.js';
import { CryptoError, type EncryptedPinBlock, type PinBlockFormat } from '../../libs/hsm/src/crypto.port.js';
import { KeyAdmin } from '../../libs/hsm/src/software/key-admin.js';
import { KeyStore, MemoryKeyStore, type KeyListing, type NewStoredKey, type StoredKey } from '../../libs/hsm/src/software/key-store.js';
import { encryptPinBlockForSeed } from '../../libs/hsm/src/software/pin-pad.js';
import { SoftwareHsm } from '../../libs/hsm/src/software/software-hsm.driver.js';
import { cryptoError, pan, TEST_LMK, vectorPan } from './helpers.js';

// Published test keys (shared/vectors/pinblock.json, pin-verification.json) and two HMAC keys.
const TPK_HEX = 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE';
const ZPK_HEX = 'AABBCCDDEEFF00112233445566778899';
const PVK_HEX = '0123456789ABCDEFFEDCBA9876543210';
const PAN_HASH_HEX = '6B1E2F5A9C3D4E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F';
const PHONE_PVK_HEX = '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0';
const ALL_KEY_HEX = [TPK_HEX, ZPK_HEX, PVK_HEX, PAN_HASH_HEX, PHONE_PVK_HEX];

const CARD = pan('4111111111111111');
const OTHER_CARD = pan('4012888888881881');

/** A KeyStore that counts reads, to see the driver's cache at work. */
class CountingStore extends KeyStore {
  reads = 0;
  constructor(readonly inner: MemoryKeyStore) {
    super();
  }
  async find(ref: string): Promise<StoredKey | undefined> {
    this.reads++;
    return this.inner.find(ref);
  }
  save(key: NewStoredKey): Promise<void> {
    return this.inner.save(key);
  }
  list(): Promise<KeyListing[]> {
    return this.inner.list();
  }
  retire(ref: string): Promise<void> {
    return this.inner.retire(ref);
  }
}

let memory: MemoryKeyStore;
let store: CountingStore;
let hsm: SoftwareHsm;

beforeEach(async () => {
  memory = new MemoryKeyStore();
  store = new CountingStore(memory);
  const admin = new KeyAdmin(TEST_LMK, memory);
  await admin.importKey({ ref: 'TPK-T1', type: 'TPK', algorithm: 'TDES', clearHex: TPK_HEX, expectedKcv: '06332B' });
  await admin.importKey({ ref: 'ZPK-NET', type: 'ZPK', algorithm: 'TDES', clearHex: ZPK_HEX, expectedKcv: 'C4F0A4' });
  await admin.importKey({ ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX, expectedKcv: '08D7B4' });
  await admin.importKey({ ref: 'PAN_HASH', type: 'PAN_HASH', algorithm: 'HMAC', clearHex: PAN_HASH_HEX });
  await admin.importKey({ ref: 'PHONE_PVK', type: 'PHONE_PVK', algorithm: 'HMAC', clearHex: PHONE_PVK_HEX });
  hsm = new SoftwareHsm(TEST_LMK, store);
});

function pinPad(pin: string, format: PinBlockFormat = 'ISO-0', card: Pan | undefined = CARD, keyRef = 'TPK-T1') {
  const keyHex = keyRef === 'ZPK-NET' ? ZPK_HEX : TPK_HEX;
  return encryptPinBlockForSeed({ pin, pan: card, format, keyRef, keyHex });
}

describe('known answers through the driver (J8k3/CyberChef vectors in shared/vectors and payments-facts.md §4.2)', () => {
  it('ISO-0 block 7F381DBF9F6906C4 under TPK DDDD…EEEE (pinblock.json) → PVV 1:6776 (PIN 1234, PAN 5432101234567890)', async () => {
    const pinBlock: EncryptedPinBlock = { format: 'ISO-0', block: '7F381DBF9F6906C4', keyRef: 'TPK-T1' };
    const card = vectorPan('5432101234567890');
    expect(await hsm.createPinVerificationData({ pan: card, pinBlock, method: 'VISA_PVV' })).toEqual({
      method: 'VISA_PVV',
      value: '1:6776',
    });
    expect(await hsm.verifyPin({ pan: card, pinBlock, reference: { method: 'VISA_PVV', value: '1:6776' } })).toBe('VERIFIED');
    expect(await hsm.verifyPin({ pan: card, pinBlock, reference: { method: 'VISA_PVV', value: '1:6777' } })).toBe('MISMATCH');
  });

  it('the same PIN under ZPK AABB…8899 (06C0408B869B2CEB) verifies against the same PVV', async () => {
    const pinBlock: EncryptedPinBlock = { format: 'ISO-0', block: '06C0408B869B2CEB', keyRef: 'ZPK-NET' };
    const reference = { method: 'VISA_PVV', value: '1:6776' } as const;
    expect(await hsm.verifyPin({ pan: vectorPan('5432101234567890'), pinBlock, reference })).toBe('VERIFIED');
  });

  it('the PIN pad reproduces the published encrypted block', async () => {
    const block = await encryptPinBlockForSeed({
      pin: '1234',
      pan: vectorPan('5432101234567890'),
      format: 'ISO-0',
      keyRef: 'TPK-T1',
      keyHex: TPK_HEX,
    });
    expect(block).toEqual({ format: 'ISO-0', block: '7F381DBF9F6906C4', keyRef: 'TPK-T1' });
  });
});

describe('PIN pad → driver round trips', () => {
  for (const method of ['VISA_PVV', 'IBM_3624_OFFSET'] as const) {
    for (const format of ['ISO-0', 'ISO-1', 'ISO-3'] as const) {
      for (const keyRef of ['TPK-T1', 'ZPK-NET']) {
        it(`${method}, ${format} under ${keyRef}: right PIN verifies, wrong PIN is MISMATCH`, async () => {
          const reference = await hsm.createPinVerificationData({ pan: CARD, pinBlock: await pinPad('4821', format, CARD, keyRef), method });
          expect(reference.method).toBe(method);
          expect(reference.value).toMatch(method === 'VISA_PVV' ? /^1:\d{4}$/ : /^\d{4}$/);
          expect(await hsm.verifyPin({ pan: CARD, pinBlock: await pinPad('4821', format, CARD, keyRef), reference })).toBe('VERIFIED');
          expect(await hsm.verifyPin({ pan: CARD, pinBlock: await pinPad('4822', format, CARD, keyRef), reference })).toBe('MISMATCH');
        });
      }
    }
  }

  it('IBM 3624: 6-digit PINs; offset length = PIN length; a shorter PIN is MISMATCH', async () => {
    const reference = await hsm.createPinVerificationData({ pan: CARD, pinBlock: await pinPad('902718'), method: 'IBM_3624_OFFSET' });
    expect(reference.value).toMatch(/^\d{6}$/);
    expect(await hsm.verifyPin({ pan: CARD, pinBlock: await pinPad('902718'), reference })).toBe('VERIFIED');
    expect(await hsm.verifyPin({ pan: CARD, pinBlock: await pinPad('9027'), reference })).toBe('MISMATCH');
  });

  it('IBM 3624 offsets depend on the PAN (validation data = account number)', async () => {
    const reference = await hsm.createPinVerificationData({ pan: CARD, pinBlock: await pinPad('1111'), method: 'IBM_3624_OFFSET' });
    const other = await hsm.createPinVerificationData({
      pan: OTHER_CARD,
      pinBlock: await pinPad('1111', 'ISO-1', undefined),
      method: 'IBM_3624_OFFSET',
    });
    expect(other.value).not.toBe(reference.value);
  });

  it('a PVV made for one card does not verify the same PIN on another card', async () => {
    const reference = await hsm.createPinVerificationData({ pan: CARD, pinBlock: await pinPad('1357', 'ISO-1'), method: 'VISA_PVV' });
    expect(await hsm.verifyPin({ pan: OTHER_CARD, pinBlock: await pinPad('1357', 'ISO-1'), reference })).toBe('MISMATCH');
  });

  it('the PIN pad can use a stored key (LMK + store) and gives the same ISO-0 block as with the clear key', async () => {
    const fromStore = await encryptPinBlockForSeed({ pin: '1234', pan: CARD, format: 'ISO-0', keyRef: 'TPK-T1', lmkHex: TEST_LMK, keyStore: memory });
    expect(fromStore).toEqual(await pinPad('1234'));
    const wrongType = await cryptoError(() =>
      encryptPinBlockForSeed({ pin: '1234', pan: CARD, format: 'ISO-0', keyRef: 'PVK', lmkHex: TEST_LMK, keyStore: memory }),
    );
    expect(wrongType.code).toBe('WRONG_KEY_TYPE');
  });
});

describe('refusals', () => {
  const visa = { method: 'VISA_PVV', value: '1:1234' } as const;

  it('malformed PIN blocks → BAD_PIN_BLOCK', async () => {
    for (const block of ['', '7F381DBF9F6906C', '7F381DBF9F6906C4AA', '7F381DBF9F6906CG', ' 7F381DBF9F6906C']) {
      const pinBlock = { format: 'ISO-0', block, keyRef: 'TPK-T1' } as const;
      expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock, reference: visa }))).code).toBe('BAD_PIN_BLOCK');
    }
  });

  it('a block that does not decode (random bytes, another key, another PAN) → BAD_PIN_BLOCK', async () => {
    const random = { format: 'ISO-0', block: '0123456789ABCDEF', keyRef: 'TPK-T1' } as const;
    expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock: random, reference: visa }))).code).toBe('BAD_PIN_BLOCK');
    const underZpk = { ...(await pinPad('1234', 'ISO-0', CARD, 'ZPK-NET')), keyRef: 'TPK-T1' };
    expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock: underZpk, reference: visa }))).code).toBe('BAD_PIN_BLOCK');
    const forOtherCard = await pinPad('1234', 'ISO-0', pan('4111111111111129'));
    expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock: forOtherCard, reference: visa }))).code).toBe('BAD_PIN_BLOCK');
  });

  it('unknown key refs → UNKNOWN_KEY (PIN key, PVK, PAN hashing key, PVKI)', async () => {
    const pinBlock = { ...(await pinPad('1234')), keyRef: 'TPK-NOPE' };
    expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock, reference: visa }))).code).toBe('UNKNOWN_KEY');
    const noPvk = new SoftwareHsm(TEST_LMK, store, { pvkRef: 'PVK-NOPE' });
    expect((await cryptoError(async () => noPvk.verifyPin({ pan: CARD, pinBlock: await pinPad('1234'), reference: visa }))).code).toBe(
      'UNKNOWN_KEY',
    );
    const noHash = new SoftwareHsm(TEST_LMK, store, { panHashKeyRef: 'PAN_HASH_NOPE' });
    expect((await cryptoError(() => noHash.hashPan(CARD))).code).toBe('UNKNOWN_KEY');
    const pvki2 = { method: 'VISA_PVV', value: '2:1234' } as const;
    expect((await cryptoError(async () => hsm.verifyPin({ pan: CARD, pinBlock: await pinPad('1234'), reference: pvki2 }))).code).toBe(
      'UNKNOWN_KEY',
    );
  });

  it('keys of the wrong type → WRONG_KEY_TYPE', async () => {
    const underPvk = { ...(await pinPad('1234')), keyRef: 'PVK' };
    expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock: underPvk, reference: visa }))).code).toBe('WRONG_KEY_TYPE');
    const tpkAsPvk = new SoftwareHsm(TEST_LMK, store, { pvkRef: 'TPK-T1' });
    expect((await cryptoError(async () => tpkAsPvk.verifyPin({ pan: CARD, pinBlock: await pinPad('1234'), reference: visa }))).code).toBe(
      'WRONG_KEY_TYPE',
    );
    const phoneKeyForPan = new SoftwareHsm(TEST_LMK, store, { panHashKeyRef: 'PHONE_PVK' });
    expect((await cryptoError(() => phoneKeyForPan.hashPan(CARD))).code).toBe('WRONG_KEY_TYPE');
    // Also from the warm cache: the type is checked on every use, not only on load.
    await hsm.hashPan(CARD);
    const panKeyForPhone = new SoftwareHsm(TEST_LMK, store, { phonePvkRef: 'PAN_HASH' });
    expect(
      (await cryptoError(async () => panKeyForPhone.createPhonePinData({ subject: 'ch-1', pinBlock: await pinPad('123456', 'ISO-1', undefined) })))
        .code,
    ).toBe('WRONG_KEY_TYPE');
  });

  it('a retired key is not used → UNKNOWN_KEY', async () => {
    memory.replace('TPK-T1', (k) => ({ ...k, status: 'RETIRED' }));
    expect((await cryptoError(async () => hsm.verifyPin({ pan: CARD, pinBlock: await pinPad('1234'), reference: visa }))).code).toBe(
      'UNKNOWN_KEY',
    );
  });

  it('a relabelled stored key (type changed in the table) → INTERNAL, not a usable key', async () => {
    memory.replace('PVK', (k) => ({ ...k, type: 'TPK' }));
    const pinBlock = { ...(await pinPad('1234')), keyRef: 'PVK' };
    expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock, reference: visa }))).code).toBe('INTERNAL');
  });

  it('a stored KCV that does not match the key → INTERNAL', async () => {
    memory.replace('PAN_HASH', (k) => ({ ...k, kcv: '000000' }));
    expect((await cryptoError(() => hsm.hashPan(CARD))).code).toBe('INTERNAL');
  });

  it('a KSN on a key that is not a BDK, an ISO-4 block under a TDES key → WRONG_KEY_TYPE', async () => {
    const dukpt = { ...(await pinPad('1234')), ksn: 'FFFF9876543210E00001' };
    expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock: dukpt, reference: visa }))).code).toBe('WRONG_KEY_TYPE');
    const iso4 = { format: 'ISO-4', block: '28B41FDDD29B743E93124BD8E32D921E', keyRef: 'TPK-T1' } as const;
    expect((await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock: iso4, reference: visa }))).code).toBe('WRONG_KEY_TYPE');
  });

  it('malformed verification data → BAD_INPUT', async () => {
    const pinBlock = await pinPad('1234');
    for (const reference of [
      { method: 'VISA_PVV', value: '8523' },
      { method: 'VISA_PVV', value: '1:852' },
      { method: 'IBM_3624_OFFSET', value: '12a4' },
      { method: 'IBM_3624_OFFSET', value: '123' },
      { method: 'CVV', value: '123' },
    ]) {
      const error = await cryptoError(() => hsm.verifyPin({ pan: CARD, pinBlock, reference: reference as never }));
      expect(error.code).toBe('BAD_INPUT');
    }
  });
});

describe('hashPan', () => {
  it('is HMAC-SHA-256 of the PAN digits under PAN_HASH, lower-case hex, deterministic, per PAN', async () => {
    const expected = createHmac('sha256', Buffer.from(PAN_HASH_HEX, 'hex')).update('4111111111111111').digest('hex');
    expect(await hsm.hashPan(CARD)).toBe(expected); // cold: loads the key
    expect(await hsm.hashPan(CARD)).toBe(expected); // warm: cached key, synchronous path
    expect(await hsm.hashPan(OTHER_CARD)).not.toBe(expected);
  });

  it('depends on the key: another PAN_HASH key gives other hashes', async () => {
    const otherStore = new MemoryKeyStore();
    await new KeyAdmin(TEST_LMK, otherStore).generateKey({ ref: 'PAN_HASH', type: 'PAN_HASH', algorithm: 'HMAC' });
    expect(await new SoftwareHsm(TEST_LMK, otherStore).hashPan(CARD)).not.toBe(await hsm.hashPan(CARD));
  });

  it('reads and unwraps each key once, also under concurrent first use', async () => {
    const hashes = await Promise.all(Array.from({ length: 50 }, () => hsm.hashPan(CARD)));
    expect(new Set(hashes).size).toBe(1);
    expect(store.reads).toBe(1);
    for (let i = 0; i < 20; i++) {
      await hsm.verifyPin({ pan: CARD, pinBlock: await pinPad('1234'), reference: { method: 'VISA_PVV', value: '1:0000' } });
    }
    expect(store.reads).toBe(3); // + TPK-T1 + PVK
    hsm.evictKeys('PAN_HASH');
    await hsm.hashPan(CARD);
    expect(store.reads).toBe(4);
  });

  it('re-reads the store after the cache TTL (so a key retired elsewhere stops being used)', async () => {
    const shortLived = new SoftwareHsm(TEST_LMK, store, { keyCacheTtlMs: 1 });
    await shortLived.hashPan(CARD);
    await new Promise((r) => setTimeout(r, 5));
    memory.replace('PAN_HASH', (k) => ({ ...k, status: 'RETIRED' }));
    expect((await cryptoError(() => shortLived.hashPan(CARD))).code).toBe('UNKNOWN_KEY');
  });
});

describe('phone-banking PIN', () => {
  const subject = 'cardholder-7f3a';

  it('create → "v1:" + 32 hex; verify: right PIN VERIFIED, wrong PIN or other subject MISMATCH', async () => {
    const reference = await hsm.createPhonePinData({ subject, pinBlock: await pinPad('246810', 'ISO-1', undefined) });
    expect(reference).toMatch(/^v1:[0-9a-f]{32}$/);
    const check = async (pin: string, who = subject) =>
      hsm.verifyPhonePin({ subject: who, pinBlock: await pinPad(pin, 'ISO-1', undefined), reference });
    expect(await check('246810')).toBe('VERIFIED');
    expect(await check('246811')).toBe('MISMATCH');
    expect(await check('2468')).toBe('MISMATCH');
    expect(await check('246810', 'cardholder-other')).toBe('MISMATCH');
  });

  it('matches its documented definition: HMAC-SHA-256(PHONE_PVK, "saldo/phone-pin/v1\\0" ‖ subject ‖ "\\0" ‖ PIN), 16 bytes', async () => {
    const mac = createHmac('sha256', Buffer.from(PHONE_PVK_HEX, 'hex')).update(`saldo/phone-pin/v1\x00${subject}\x00135790`).digest();
    const reference = await hsm.createPhonePinData({ subject, pinBlock: await pinPad('135790'), pan: CARD });
    expect(reference).toBe(`v1:${mac.subarray(0, 16).toString('hex')}`);
  });

  it('formats 0 and 3 work when the PAN is given, and need it', async () => {
    const reference = await hsm.createPhonePinData({ subject, pinBlock: await pinPad('864209', 'ISO-3'), pan: CARD });
    expect(await hsm.verifyPhonePin({ subject, pinBlock: await pinPad('864209', 'ISO-0'), pan: CARD, reference })).toBe('VERIFIED');
    expect((await cryptoError(async () => hsm.verifyPhonePin({ subject, pinBlock: await pinPad('864209', 'ISO-0'), reference }))).code).toBe(
      'BAD_INPUT',
    );
  });

  it('refuses a PIN that is not 6 digits when creating, a bad reference and a bad subject (BAD_INPUT)', async () => {
    expect((await cryptoError(async () => hsm.createPhonePinData({ subject, pinBlock: await pinPad('1234', 'ISO-1', undefined) }))).code).toBe(
      'BAD_INPUT',
    );
    const pinBlock = await pinPad('123456', 'ISO-1', undefined);
    expect((await cryptoError(() => hsm.verifyPhonePin({ subject, pinBlock, reference: 'v1:abc' }))).code).toBe('BAD_INPUT');
    expect((await cryptoError(() => hsm.createPhonePinData({ subject: '', pinBlock }))).code).toBe('BAD_INPUT');
  });
});

describe('health', () => {
  it('ok when the PAN hashing key loads; says which LMK (by KCV)', async () => {
    const health = await hsm.health();
    expect(health).toMatchObject({ ok: true, driver: 'software' });
    expect(health.detail).toMatch(/LMK KCV [0-9A-F]{6}/);
    const dev = await new SoftwareHsm(TEST_LMK, store, { usesDevelopmentLmk: true }).health();
    expect(dev.detail).toContain('DEVELOPMENT LMK');
  });

  it('not ok (and does not throw) when the PAN hashing key is missing', async () => {
    const health = await new SoftwareHsm(TEST_LMK, new MemoryKeyStore()).health();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain('UNKNOWN_KEY');
  });
});

describe('no secrets in errors or in the driver object', () => {
  it('no message, stack or inspect form of the errors above holds a PAN, PIN, PIN block or key', async () => {
    const panDigits = CARD.digits();
    const pin = '918273';
    const good = await pinPad(pin);
    const errors: CryptoError[] = [];
    const cases: (() => Promise<unknown>)[] = [
      () => hsm.verifyPin({ pan: CARD, pinBlock: { ...good, block: good.block.slice(0, 15) + 'Z' }, reference: { method: 'VISA_PVV', value: '1:0000' } }),
      () => hsm.verifyPin({ pan: CARD, pinBlock: { ...good, block: good.block + '00' }, reference: { method: 'VISA_PVV', value: '1:0000' } }),
      () => hsm.verifyPin({ pan: pan('4111111111111129'), pinBlock: good, reference: { method: 'VISA_PVV', value: '1:0000' } }),
      () => hsm.verifyPin({ pan: CARD, pinBlock: { ...good, keyRef: 'ZPK-NET' }, reference: { method: 'IBM_3624_OFFSET', value: '000000' } }),
      () => hsm.verifyPin({ pan: CARD, pinBlock: { ...good, keyRef: 'NOPE' }, reference: { method: 'VISA_PVV', value: '1:0000' } }),
      () => hsm.verifyPin({ pan: CARD, pinBlock: { ...good, keyRef: 'PVK' }, reference: { method: 'VISA_PVV', value: '1:0000' } }),
      () => hsm.verifyPin({ pan: CARD, pinBlock: { ...good, format: 'ISO-1' }, reference: { method: 'VISA_PVV', value: '1:0000' } }),
      () => hsm.verifyPin({ pan: CARD, pinBlock: { ...good, ksn: 'FFFF9876543210E00001' }, reference: { method: 'VISA_PVV', value: '1:0000' } }),
      () => hsm.verifyPin({ pan: CARD, pinBlock: good, reference: { method: 'VISA_PVV', value: pin } }),
      () => hsm.createPinVerificationData({ pan: CARD, pinBlock: { ...good, format: 'ISO-3' }, method: 'VISA_PVV' }),
      () => hsm.createPhonePinData({ subject: 'x', pinBlock: good }),
      () => hsm.verifyPhonePin({ subject: 'x', pinBlock: good, pan: CARD, reference: `v1:${pin}` }),
      () => encryptPinBlockForSeed({ pin: pin + '1234567', pan: CARD, format: 'ISO-0', keyRef: 'TPK-T1', keyHex: TPK_HEX }),
      () => encryptPinBlockForSeed({ pin, pan: CARD, format: 'ISO-0', keyRef: 'TPK-T1', keyHex: TPK_HEX.slice(2) }),
    ];
    memory.replace('PHONE_PVK', (k) => ({ ...k, kcv: 'ABCDEF' }));
    cases.push(() => hsm.verifyPhonePin({ subject: 'x', pinBlock: good, pan: CARD, reference: `v1:${'0'.repeat(32)}` }));
    for (const run of cases) errors.push(await cryptoError(run));
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['BAD_PIN_BLOCK', 'BAD_INPUT', 'UNKNOWN_KEY', 'WRONG_KEY_TYPE', 'INTERNAL']));
    const secrets = [panDigits, panDigits.slice(-12, -1), pin, good.block, ...ALL_KEY_HEX].map((s) => s.toUpperCase());
    for (const error of errors) {
      for (const text of [error.message, String(error.stack), inspect(error, { depth: 5 }), JSON.stringify(error)]) {
        for (const secret of secrets) expect(text.toUpperCase()).not.toContain(secret);
      }
    }
  });

  it('the driver, its options and its cached keys show no key bytes', async () => {
    await hsm.hashPan(CARD);
    await hsm.verifyPin({ pan: CARD, pinBlock: await pinPad('1234'), reference: { method: 'VISA_PVV', value: '1:0000' } });
    const shown = [inspect(hsm, { showHidden: true, depth: 10 }), JSON.stringify(hsm)].join('\n').toUpperCase();
    for (const secret of [...ALL_KEY_HEX, TEST_LMK]) expect(shown).not.toContain(secret);
  });
});
