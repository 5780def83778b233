import { Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SaldoConfig } from '#config';
import { createInMemoryPrismaClient, PrismaClient, type PrismaHandle } from '#db';
import { CryptoPort } from '../../libs/hsm/src/crypto.port.js';
import { createCryptoPort, HsmModule } from '../../libs/hsm/src/hsm.module.js';
import { PayShieldHsm } from '../../libs/hsm/src/payshield/payshield-hsm.driver.js';
import { KeyAdmin } from '../../libs/hsm/src/software/key-admin.js';
import { KeyStore, MemoryKeyStore } from '../../libs/hsm/src/software/key-store.js';
import { SoftwareHsm } from '../../libs/hsm/src/software/software-hsm.driver.js';
import { pan, TEST_LMK } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

describe('createCryptoPort (start-up choice of driver)', () => {
  it('HSM_URL set: the payShield host-command driver, connecting to that address', () => {
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const config = new SaldoConfig({ HSM_URL: 'tcp://127.0.0.1:1', HSM_POOL_SIZE: '3' });
    const port = createCryptoPort(config, new MemoryKeyStore());
    expect(port).toBeInstanceOf(PayShieldHsm);
    expect((port as PayShieldHsm).status().size).toBe(3);
    (port as PayShieldHsm).close();
  });

  it('development LMK: the software HSM, with a loud warning', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(createCryptoPort(new SaldoConfig({}), new MemoryKeyStore())).toBeInstanceOf(SoftwareHsm);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/DEVELOPMENT LMK/));
  });

  it('own LMK: no warning', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    expect(createCryptoPort(new SaldoConfig({ HSM_LMK: TEST_LMK }), new MemoryKeyStore())).toBeInstanceOf(SoftwareHsm);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('HsmModule (Nest DI, with PrismaClient on the embedded database)', () => {
  let handle: PrismaHandle;
  beforeAll(async () => {
    handle = await createInMemoryPrismaClient();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('provides CryptoPort, KeyStore and KeyAdmin; keys installed through KeyAdmin serve CryptoPort', async () => {
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    @Global()
    @Module({
      providers: [
        { provide: SaldoConfig, useValue: new SaldoConfig({ HSM_LMK: TEST_LMK }) },
        { provide: PrismaClient, useValue: handle.prisma },
      ],
      exports: [SaldoConfig, PrismaClient],
    })
    class Deps {}
    const moduleRef = await Test.createTestingModule({ imports: [Deps, HsmModule] }).compile();
    const crypto = moduleRef.get(CryptoPort);
    expect(crypto).toBeInstanceOf(SoftwareHsm);
    expect(moduleRef.get(KeyStore)).toBeDefined();
    await moduleRef.get(KeyAdmin).generateKey({ ref: 'PAN_HASH', type: 'PAN_HASH', algorithm: 'HMAC' });
    expect(await crypto.hashPan(pan('4111111111111111'))).toMatch(/^[0-9a-f]{64}$/);
    await moduleRef.close();
  });
});
