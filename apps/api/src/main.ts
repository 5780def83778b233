import 'reflect-metadata';
import { ConfigError, configFromEnvironment } from '#config';
import { createApiApp } from './bootstrap.js';
import { announce, prepareDemo } from './demo.js';

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const app = await createApiApp(config);
  if (config.demoMode) await prepareDemo(app, config);
  await app.listen(config.http.port, config.http.host);
  announce(app, config);
}

main().catch((err: unknown) => {
  // A configuration error is the operator's to fix: say which variable, without a stack.
  if (err instanceof ConfigError) console.error(`saldo: ${err.message}`);
  else console.error('saldo: start-up failed:', err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
