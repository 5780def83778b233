import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryPrismaClient, type PrismaHandle } from '#db';
import { KeyAdmin } from '../../libs/hsm/src/software/key-admin.js';
import { PrismaKeyStore } from '../../libs/hsm/src/software/prisma-key-store.js';
import { SoftwareHsm } from '../../libs/hsm/src/software/software-hsm.driver.js';
import { encryptPinBlockForSeed } from '../../libs/hsm/src/software/pin-pad.js';
import { cryptoError, pan, TEST_LMK } from './helpers.js';

// The `keys` table through Prisma, on the embedded database (in-memory PGlite with the real
// migrations): the same adapter the embedded mode runs on, no server needed.
let handle: PrismaHandle;
let store: PrismaKeyStore;

beforeAll(async () => {
  handle = await createInMemoryPrismaClient();
  store = new PrismaKeyStore(handle.prisma);
});
afterAll(async () => {
  await handle?.close();
});

describe('PrismaKeyStore (keys table, embedded PGlite)', () => {
  it('saves and finds a wrapped key; unknown refs are undefined', async () => {
    const admin = new KeyAdmin(TEST_LMK, store);
    expect(await admin.importKey({ ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: '0123456789ABCDEFFEDCBA9876543210' })).toEqual({
      ref: 'PVK',
      kcv: '08D7B4',
    });
    expect(await store.find('PVK')).toMatchObject({ ref: 'PVK', type: 'PVK', usage: 'V0', algorithm: 'TDES', kcv: '08D7B4', status: 'ACTIVE' });
    expect(await store.find('NOPE')).toBeUndefined();
    const row = await handle.prisma.key.findUniqueOrThrow({ where: { ref: 'PVK' } });
    expect(row.encryptedValue).toMatch(/^v1:/);
    expect(row.encryptedValue.toUpperCase()).not.toContain('0123456789ABCDEF');
  });

  it('a second save of the same ref is a CryptoError, and ensureKey stays idempotent', async () => {
    const admin = new KeyAdmin(TEST_LMK, store);
    const spec = { ref: 'TPK-1', type: 'TPK', algorithm: 'TDES', clearHex: 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE' } as const;
    expect((await admin.ensureKey(spec)).created).toBe(true);
    expect((await admin.ensureKey(spec)).created).toBe(false);
    expect((await cryptoError(() => admin.importKey(spec))).code).toBe('BAD_INPUT');
  });

  it('the driver works over it end to end, and a retired row is refused', async () => {
    const admin = new KeyAdmin(TEST_LMK, store);
    await admin.ensureKey({ ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: '0123456789ABCDEFFEDCBA9876543210' });
    await admin.ensureKey({ ref: 'TPK-1', type: 'TPK', algorithm: 'TDES', clearHex: 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE' });
    await admin.generateKey({ ref: 'PAN_HASH', type: 'PAN_HASH', algorithm: 'HMAC' });
    const hsm = new SoftwareHsm(TEST_LMK, store);
    const card = pan('4111111111111111');
    const pinBlock = await encryptPinBlockForSeed({ pin: '2580', pan: card, format: 'ISO-0', keyRef: 'TPK-1', lmkHex: TEST_LMK, keyStore: store });
    const reference = await hsm.createPinVerificationData({ pan: card, pinBlock, method: 'VISA_PVV' });
    expect(await hsm.verifyPin({ pan: card, pinBlock, reference })).toBe('VERIFIED');
    expect(await hsm.hashPan(card)).toMatch(/^[0-9a-f]{64}$/);
    expect(await hsm.health()).toMatchObject({ ok: true });

    await handle.prisma.key.update({ where: { ref: 'TPK-1' }, data: { status: 'RETIRED', retiredAt: new Date() } });
    hsm.evictKeys();
    expect((await cryptoError(() => hsm.verifyPin({ pan: card, pinBlock, reference }))).code).toBe('UNKNOWN_KEY');
  });
});
