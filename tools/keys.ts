/**
 * Key ceremony command line: `npm run keys -- help` (built to dist/tools/keys.js).
 * The commands live in libs/hsm/src/software/key-ceremony.ts; this file only wires the real
 * configuration, database and process streams to them.
 */
import { configFromEnvironment } from '#config';
import { createPrismaClient } from '#db';
import { KeyAdmin, PrismaKeyStore, runKeyCeremony } from '#hsm';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

process.exitCode = await runKeyCeremony(process.argv.slice(2), {
  out,
  err,
  async open() {
    const config = configFromEnvironment();
    if (config.hsm.usesDevelopmentLmk) {
      err('keys: WARNING: keys are wrapped under the built-in DEVELOPMENT LMK (set HSM_LMK); for demos and tests only');
    }
    if (config.database.driver === 'pglite') {
      err(`keys: embedded database in ${config.database.dataDir}: Saldo must not be running (one process per data directory)`);
    }
    const db = await createPrismaClient(config.database);
    return { admin: new KeyAdmin(config.hsm.lmkHex, new PrismaKeyStore(db.prisma)), close: () => db.close() };
  },
});
