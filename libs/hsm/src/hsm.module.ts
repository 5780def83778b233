import { Global, Logger, Module } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { PrismaClient } from '#db';
import { CryptoPort } from './crypto.port.js';
import { KeyAdmin } from './software/key-admin.js';
import { KeyStore } from './software/key-store.js';
import { PrismaKeyStore } from './software/prisma-key-store.js';
import { PayShieldHsm, parsePayShieldUrl } from './payshield/payshield-hsm.driver.js';
import { SoftwareHsm } from './software/software-hsm.driver.js';

/**
 * Provides CryptoPort (DESIGN.md §4): the payShield host-command driver when HSM_URL names an HSM
 * (a payShield or `npm run hsm:emulator`), else the in-process software HSM; both read the key
 * records of the `keys` table (the payShield driver sends them as LMK-wrapped key tokens). Also
 * provides KeyStore and KeyAdmin for the seed and admin tools. Needs PrismaClient and
 * SaldoConfig from their (global) modules. Factories, not decorators, so it needs no type metadata.
 */
@Global()
@Module({
  providers: [
    {
      provide: KeyStore,
      inject: [PrismaClient],
      useFactory: (prisma: PrismaClient): KeyStore => new PrismaKeyStore(prisma),
    },
    {
      provide: CryptoPort,
      inject: [SaldoConfig, KeyStore],
      useFactory: (config: SaldoConfig, keyStore: KeyStore): CryptoPort => createCryptoPort(config, keyStore),
    },
    {
      provide: KeyAdmin,
      inject: [SaldoConfig, KeyStore],
      useFactory: (config: SaldoConfig, keyStore: KeyStore): KeyAdmin => new KeyAdmin(config.hsm.lmkHex, keyStore),
    },
  ],
  exports: [CryptoPort, KeyStore, KeyAdmin],
})
export class HsmModule {}

export function createCryptoPort(config: SaldoConfig, keyStore: KeyStore): CryptoPort {
  const logger = new Logger('HSM');
  if (config.hsm.url !== undefined) {
    const { host, port } = parsePayShieldUrl(config.hsm.url);
    logger.log(`payShield host-command driver: tcp://${host}:${port}, ${config.hsm.poolSize} connections, header ${config.hsm.headerLength}`);
    return new PayShieldHsm({
      host,
      port,
      keyStore,
      headerLength: config.hsm.headerLength,
      poolSize: config.hsm.poolSize,
      timeoutMs: config.hsm.timeoutMs,
      logger: new Logger('PayShieldHsm'),
    }).start();
  }
  const hsm = new SoftwareHsm(config.hsm.lmkHex, keyStore, { usesDevelopmentLmk: config.hsm.usesDevelopmentLmk });
  if (config.hsm.usesDevelopmentLmk) {
    logger.warn(
      '!!! SOFTWARE HSM WITH THE BUILT-IN DEVELOPMENT LMK !!! Every stored key (PIN, PVK, PAN hashing) ' +
        'can be unwrapped by anyone with the source code. For demos and tests only: set HSM_LMK to your own ' +
        '64-hex AES-256 key (production refuses the development LMK).',
    );
  } else {
    logger.log('software HSM in process (no HSM_URL); LMK from HSM_LMK');
  }
  return hsm;
}
