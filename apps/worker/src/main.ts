import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, configFromEnvironment } from '#config';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
  const config = configFromEnvironment();
  if (!config.redis) throw new ConfigError('REDIS_URL: the worker needs Redis (without it, jobs run inside the API)');
  if (config.database.driver === 'pglite') {
    throw new ConfigError('DATABASE_URL: the worker needs PostgreSQL (an embedded database belongs to the API process)');
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log('saldo worker started');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`saldo worker: ${err.message}`);
  else console.error('saldo worker: start-up failed:', err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
