import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JobQueue } from '#platform';
import { PURGE_IDEMPOTENCY_JOB } from '#channels/rest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const WORKER = 'dist/apps/worker/src/main.js';

// The worker as its own process needs PostgreSQL and Redis; embedded mode runs jobs in the API.
describe.skipIf(storage !== 'postgres')('worker process (BullMQ on Redis)', () => {
  let t: TestApp;
  let worker: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build first (npm test does)`);
    t = await startTestApp('worker', storage, { WORKER_IN_PROCESS: 'false' });
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await t?.close();
  });

  it('runs a job the API enqueued, in its own process', async () => {
    const expired = { clientId: 'wallet-app', key: 'old-key', requestHash: 'x', status: 200, body: {}, expiresAt: new Date(Date.now() - 60_000) };
    await t.prisma.idempotencyRecord.create({ data: expired });
    await t.app.get(JobQueue).enqueue(PURGE_IDEMPOTENCY_JOB, {});
    // The API does not consume (WORKER_IN_PROCESS=false): the record stays until a worker runs.
    await new Promise((r) => setTimeout(r, 500));
    expect(await t.prisma.idempotencyRecord.count({ where: { key: 'old-key' } })).toBe(1);

    const env = { PATH: process.env.PATH, ...t.env, LOG_FILE: '' };
    worker = spawn(process.execPath, [WORKER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    worker.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await t.prisma.idempotencyRecord.count({ where: { key: 'old-key' } })) > 0) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await t.prisma.idempotencyRecord.count({ where: { key: 'old-key' } }), output).toBe(0);
    expect(output).toContain('saldo worker started');
  });
});
