/**
 * `npm run hsm:emulator`: Saldo's software HSM served over the payShield host-command protocol on
 * 127.0.0.1:HSM_EMULATOR_PORT (default 1500), so the API can run with HSM_URL=tcp://127.0.0.1:1500
 * and the HSM in its own process. It needs only the LMK: key tokens arrive with each command,
 * wrapped under it, as they do at a payShield.
 */
import { Logger } from '@nestjs/common';
import { ConfigError, configFromEnvironment } from '#config';
import { PayShieldEmulator } from '#hsm';

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const logger = new Logger('HsmEmulator');
  if (config.hsm.usesDevelopmentLmk) {
    logger.warn('!!! payShield emulator with the built-in DEVELOPMENT LMK !!! For demos and tests only: set HSM_LMK.');
  }
  const emulator = new PayShieldEmulator({ lmkHex: config.hsm.lmkHex, headerLength: config.hsm.headerLength, logger });
  const port = await emulator.start(config.hsm.emulatorPort);
  logger.log(`payShield emulator listening on tcp://127.0.0.1:${port} (header ${config.hsm.headerLength}, LMK check ${emulator.lmkCheckValue.slice(0, 6)})`);
  const stop = (): void => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`saldo hsm emulator: ${err.message}`);
  else console.error('saldo hsm emulator: start-up failed:', err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
