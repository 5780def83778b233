import 'reflect-metadata';
import { ConfigError, configFromEnvironment } from '#config';
import { createPrismaClient } from '#db';
import { createCryptoPort, KeyAdmin, PrismaKeyStore } from '#hsm';
import { seedDemo } from './seed.js';

/** `npm run db:seed`: installs the demo dataset (after `npm run db:deploy`). Refused in production. */
async function main(): Promise<void> {
  const config = configFromEnvironment();
  if (config.production) throw new ConfigError('NODE_ENV: the demo seed refuses to run in production');
  const db = await createPrismaClient(config.database);
  try {
    const keyStore = new PrismaKeyStore(db.prisma);
    const report = await seedDemo({
      prisma: db.prisma,
      crypto: createCryptoPort(config, keyStore),
      keyAdmin: new KeyAdmin(config.hsm.lmkHex, keyStore),
      keyStore,
      lmkHex: config.hsm.lmkHex,
      operatorPasswords: config.demoPasswords,
    });
    console.log(`seeded: ${report.cards} cards, ${report.transactions} new transactions`);
    for (const k of report.keys) console.log(`key ${k.ref} KCV ${k.kcv}`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `saldo seed: ${err.message}` : `saldo seed failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
