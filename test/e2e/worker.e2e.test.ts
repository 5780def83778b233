import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JobQueue } from '#platform';
import { PURGE_IDEMPOTENCY_JOB } from '#channels/rest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { inboundSms, postSigned, PUBLIC_BASE_URL, TEST_AUTH_TOKEN } from '../support/twilio-webhooks.js';

const storage = inject('storage');
const WORKER = 'dist/apps/worker/src/main.js';

// The worker as its own process needs PostgreSQL and Redis; embedded mode runs jobs in the API.
describe.skipIf(storage !== 'postgres')('worker process (BullMQ on Redis)', () => {
  let t: TestApp;
  let worker: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build first (npm test does)`);
    t = await startTestApp('worker', storage, { WORKER_IN_PROCESS: 'false', PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN });
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

  it('answers a text the API acknowledged: the query and the reply run in the worker', async () => {
    const res = await postSigned(t.baseUrl, '/twilio/sms', inboundSms('+15555550100', 'BAL 0010'));
    expect(res.status).toBe(200);
    const deadline = Date.now() + 15_000;
    let reply;
    while (Date.now() < deadline && !(reply = await t.prisma.outboundMessage.findFirst({ where: { to: '+15555550100', status: 'delivered' } }))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(reply?.body, output).toContain('1,234.56');
    expect(reply?.provider).toBe('outbox');
  });
});
