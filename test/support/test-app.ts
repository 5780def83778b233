import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SaldoConfig } from '#config';
import { PrismaClient } from '#db';
import { seedDemo, seedDepsFrom } from '#seed';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { createTestDatabase, REDIS_URL, uniquePrefix } from './databases.js';

export type Storage = 'postgres' | 'embedded';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly prisma: PrismaClient;
  readonly logFile: string;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The real API over a real socket: its own PostgreSQL database and Redis key prefix (postgres), or
 * its own PGlite directory with in-process queue and limits (embedded), migrated and seeded.
 */
export async function startTestApp(label: string, storage: Storage, extraEnv: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), `saldo-${label}-`));
  const logFile = join(dir, 'saldo.log');
  const db = storage === 'postgres' ? await createTestDatabase(label) : undefined;
  const env: Record<string, string> = {
    PORT: '0',
    POS_PORT: '0',
    LOG_LEVEL: 'info',
    LOG_FILE: logFile,
    ...(db ? { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: uniquePrefix(label) } : { DATA_DIR: join(dir, 'data') }),
    ...extraEnv,
  };
  const config = new SaldoConfig(env);
  const app = await createApiApp(config);
  await seedDemo(seedDepsFrom(app, config));
  await app.listen(Number(env.PORT), '127.0.0.1'); // 0 (any free port) unless a test fixed one
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    prisma: app.get(PrismaClient),
    logFile,
    env,
    async close() {
      await app.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bearer token for a demo partner client. */
export async function tokenFor(baseUrl: string, clientId: string, secret: string, scope?: string): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, ...(scope ? { scope } : {}) }),
  });
  if (res.status !== 200) throw new Error(`token for ${clientId}: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function postJson(
  baseUrl: string,
  path: string,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
