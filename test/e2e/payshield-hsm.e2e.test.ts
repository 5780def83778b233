import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEV_LMK, SaldoConfig } from '#config';
import { PrismaClient } from '#db';
import { Pan } from '#domain';
import { encryptPinBlockForSeed, KeyStore, PayShieldEmulator, type EncryptedPinBlock } from '#hsm';
import { BalancePipeline } from '#pipeline';
import { DEMO_CARDS, DEMO_KEY_REFS, seedDemo, seedDepsFrom } from '#seed';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { createTestDatabase, REDIS_URL, uniquePrefix } from '../support/databases.js';
import { postJson, tokenFor } from '../support/test-app.js';

const storage = inject('storage');
const quiet = { log() {}, warn() {}, error() {}, debug() {} };

// The API with HSM_URL: every crypto operation of the pipeline goes as payShield host commands
// over a real socket to the emulator (its own LMK copy; the key tokens come from the keys table).
// The demo data is seeded through the software HSM first (same LMK, same keys table): the phone-
// banking PIN data has no payShield command (docs/hsm.md), and it shows both drivers agree.
describe(`API on the payShield driver over TCP (${storage})`, () => {
  let emulator: PayShieldEmulator;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let token: string;
  let dir: string;
  let logFile: string;
  let drop: (() => Promise<void>) | undefined;
  let n = 0;

  const inquiry = (pan: string) => postJson(baseUrl, '/v1/balance-inquiries', token, { pan });
  const pinQuery = async (pan: string, pin: string) => {
    const pinBlock: EncryptedPinBlock = await encryptPinBlockForSeed({
      pin,
      pan: Pan.fromTrusted(pan),
      format: 'ISO-0',
      keyRef: DEMO_KEY_REFS.seedPinEntry,
      lmkHex: DEV_LMK,
      keyStore: app.get(KeyStore),
    });
    return app.get(BalancePipeline).run({
      channel: 'pos',
      correlationId: `payshield-e2e-${storage}-${++n}`,
      requester: { kind: 'partner', clientId: 'wallet-app', scopes: ['balances:read'] },
      card: { pan },
      credential: { kind: 'pin-block', pinBlock },
      question: { kind: 'balance' },
    });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'saldo-payshield-'));
    logFile = join(dir, 'saldo.log');
    const db = storage === 'postgres' ? await createTestDatabase('payshield') : undefined;
    drop = db ? () => db.drop() : undefined;
    const env: Record<string, string> = {
      PORT: '0',
      LOG_FILE: logFile,
      RATE_CARD_PER_MINUTE: '1000',
      ...(db ? { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: uniquePrefix('payshield') } : { DATA_DIR: join(dir, 'data') }),
    };
    const software = new SaldoConfig(env);
    const seeder = await createApiApp(software);
    await seedDemo(seedDepsFrom(seeder, software));
    await seeder.close();

    emulator = new PayShieldEmulator({ lmkHex: DEV_LMK, logger: quiet });
    const port = await emulator.start(0);
    app = await createApiApp(new SaldoConfig({ ...env, HSM_URL: `tcp://127.0.0.1:${port}`, HSM_TIMEOUT_MS: '500' }));
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('no TCP address');
    baseUrl = `http://127.0.0.1:${address.port}`;
    token = await tokenFor(baseUrl, 'wallet-app', 'wallet-app-secret');
  });
  afterAll(async () => {
    await app?.close();
    await emulator?.stop();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every demo card as the software HSM would (PAN hashes by LQ match the seeded ones)', async () => {
    const before = emulator.stats.received;
    const approved = await inquiry('4761739001010010');
    expect(approved.status).toBe(200);
    expect(approved.body.accounts).toEqual([
      { type: 'checking', currency: 'USD', available: 123456, ledger: 130000, pending: 6544 },
      { type: 'savings', currency: 'USD', available: 1000000, ledger: 1000000, pending: 0 },
    ]);
    expect((await inquiry('4761739001010028')).body.code).toBe('EXPIRED_CARD');
    expect((await inquiry('4761739001010036')).body.code).toBe('CARD_BLOCKED');
    expect((await inquiry('6217000000000014')).status).toBe(200);
    expect((await inquiry('4761739001010044')).body.code).toBe('UNKNOWN_CARD');
    expect(emulator.stats.received - before).toBeGreaterThanOrEqual(5);
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(await ready.json()).toMatchObject({ checks: { crypto: true } });
  });

  it('verifies card PINs with DC over TCP: right PIN approved, wrong PIN WRONG_PIN and counted', async () => {
    expect((await pinQuery('6217000000000014', '8888')).outcome).toBe('APPROVED');
    expect((await pinQuery('6217000000000014', '1357')).outcome).toBe('WRONG_PIN');
    const card = await app.get(PrismaClient).card.findFirst({ where: { last4: '0014' } });
    expect(card?.pinTries).toBe(1);
    expect((await pinQuery('6217000000000014', '8888')).outcome).toBe('APPROVED');
  });

  it('an HSM that goes away: queries fail fast as SYSTEM_ERROR (audited), readiness drops, and both recover', async () => {
    const port = emulator.port;
    await emulator.stop();
    const started = Date.now();
    const down = await inquiry('4761739001010010');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(down.status).toBe(500);
    expect(down.body.code).toBe('SYSTEM_ERROR');
    expect(await app.get(PrismaClient).auditEvent.count({ where: { correlationId: down.body.inquiryId ?? down.headers.get('x-correlation-id') } })).toBe(1);
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(503);

    emulator = new PayShieldEmulator({ lmkHex: DEV_LMK, logger: quiet });
    await emulator.start(port);
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await inquiry('4761739001010010')).status;
    }
    expect(status).toBe(200);
  });

  it('no log line holds a demo card number', () => {
    const logs = readFileSync(logFile, 'utf8');
    expect(logs.length).toBeGreaterThan(0);
    for (const card of DEMO_CARDS) expect(logs).not.toContain(card.pan);
  });
});
