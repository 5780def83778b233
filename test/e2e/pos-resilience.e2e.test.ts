import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_POS_FRAMING, ISO87B } from '#channels/pos';
import { PosClient } from '../../apps/pos-simulator/src/pos-client.js';
import { connectPos, demoTerminal, posPort, rawPos } from '../support/pos.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const TLS_DIR = join(import.meta.dirname, '../fixtures/tls');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The ledger is made slow by another session's lock on the cards table (PGlite has no second session).
describe.skipIf(storage !== 'postgres')('POS time budget and graceful drain', () => {
  let t: TestApp;
  let locker: pg.Client;
  const terminal = demoTerminal('SALDO001');

  beforeAll(async () => {
    t = await startTestApp('pos-budget', storage, { POS_REQUEST_BUDGET_MS: '1000', ISSUER_TIMEOUT_MS: '5000' });
    locker = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await t?.close();
  });

  const lockCards = async () => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE cards IN ACCESS EXCLUSIVE MODE');
  };

  it('answers 91 when the budget runs out and drops the late answer', async () => {
    const client = await connectPos(t);
    await lockCards();
    const started = Date.now();
    const response = await client.request(await terminal.balanceInquiry({ pan: '4761739001010010', pin: '1234' }));
    expect(response.fields.get(39)).toBe('91');
    expect(Date.now() - started).toBeLessThan(2_500);
    await locker.query('ROLLBACK');
    await sleep(500);
    expect(client.unmatched).toBe(0);
    expect((await client.request(await terminal.balanceInquiry({ pan: '4761739001010010', pin: '1234' }))).fields.get(39)).toBe('00');
    await client.close();
  });

  it('on shutdown answers what is in flight, refuses new requests with 91 and new connections', async () => {
    const client = await connectPos(t);
    const port = posPort(t);
    await lockCards();
    const inFlight = client.request(await terminal.balanceInquiry({ pan: '4761739001010010', pin: '1234' }));
    await sleep(100);
    const closing = t.app.close();
    await sleep(50);
    const refused = await client.request(await terminal.balanceInquiry({ pan: '6217000000000014', pin: '8888' }));
    expect(refused.fields.get(39)).toBe('91');
    const connectError = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(connectError).toBe('ECONNREFUSED');
    await locker.query('ROLLBACK');
    expect((await inFlight).fields.get(39)).toBe('00');
    await closing;
    await client.close();
  });
});

describe.skipIf(storage !== 'postgres')('POS over TLS with the ISO87B profile and CUP-style framing', () => {
  let t: TestApp;
  const terminal = demoTerminal('SALDO001');

  beforeAll(async () => {
    t = await startTestApp('pos-tls', storage, {
      POS_TLS_CERT: join(TLS_DIR, 'pos-test.crt'),
      POS_TLS_KEY: join(TLS_DIR, 'pos-test.key'),
      POS_PROFILE: 'iso87b',
      POS_FRAMING: 'bcd2-tpdu',
      RATE_TERMINAL_PER_MINUTE: '3',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers over TLS, then 65 once the terminal is over its rate', async () => {
    const client = await PosClient.connect({
      host: '127.0.0.1',
      port: posPort(t),
      spec: ISO87B,
      framing: { ...DEFAULT_POS_FRAMING, lengthHeader: 'bcd2', tpduBytes: 5 },
      tls: { ca: readFileSync(join(TLS_DIR, 'pos-test.crt')) },
    });
    const codes = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await client.request(await terminal.balanceInquiry({ pan: '4761739001010010', pin: '1234' }))).fields.get(39));
    }
    expect(codes).toEqual(['00', '00', '00', '65']);
    await client.close();
  });

  it('refuses plain TCP on the TLS port', async () => {
    const plain = PosClient.connect({ host: '127.0.0.1', port: posPort(t), spec: ISO87B, connectTimeoutMs: 2_000 }).then(async (c) => {
      try {
        return await c.request(await terminal.networkManagement('echo'), { timeoutMs: 1_500 });
      } finally {
        await c.close();
      }
    });
    await expect(plain).rejects.toThrow();
  });
});

describe(`POS idle connections (${storage})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('pos-idle', storage, { POS_IDLE_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('closes a connection idle past POS_IDLE_TIMEOUT_MS and keeps one whose terminal echoes', async () => {
    const idle = await rawPos(t);
    const idleClosedAt = idle.closed.then(() => Date.now());
    const talking = await connectPos(t);
    const terminal = demoTerminal('SALDO001');
    const started = Date.now();
    for (let i = 0; i < 4; i++) {
      await sleep(400);
      expect((await talking.request(await terminal.networkManagement('echo'))).fields.get(39)).toBe('00');
    }
    expect((await idleClosedAt) - started).toBeGreaterThanOrEqual(900);
    await talking.close();
  });
});
