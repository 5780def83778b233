import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_POS_FRAMING, ISO87A, ISO87B, type MessageSpec, type PosFramingProfile } from '#channels/pos';
import { PosListener } from '../../apps/api/src/pos/pos-listener.js';
import { PosClient } from '../../apps/pos-simulator/src/pos-client.js';
import { SimulatedTerminal } from '../../apps/pos-simulator/src/simulated-terminal.js';
import { demoTerminalProfile } from '../../apps/pos-simulator/src/terminal-profile.js';
import { amounts, MemoryTerminalState } from '../support/pos.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const SIMULATOR = 'dist/apps/pos-simulator/src/main.js';

const CUP: PosFramingProfile = { ...DEFAULT_POS_FRAMING, lengthHeader: 'bcd2', tpduBytes: 5 };
const ASCII4: PosFramingProfile = { ...DEFAULT_POS_FRAMING, lengthHeader: 'ascii4' };

describe(`POS terminal groups on their own listeners (${storage})`, () => {
  let t: TestApp;
  const state = new MemoryTerminalState();
  const clients: PosClient[] = [];

  beforeAll(async () => {
    t = await startTestApp('pos-profiles', storage, { POS_GROUP_LISTENERS: '0:iso87b:bcd2-tpdu,0:iso87a:ascii4' });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t?.close();
  });

  const terminal = (tid: string, spec: MessageSpec) => {
    const profile = demoTerminalProfile(tid);
    if (!profile) throw new Error(`no demo terminal ${tid}`);
    return new SimulatedTerminal(profile, state, { spec });
  };
  const connect = async (listener: number, spec: MessageSpec, framing: PosFramingProfile) => {
    const port = t.app.get(PosListener).addresses()[listener]?.port;
    if (port === undefined) throw new Error(`no POS listener #${listener}`);
    const client = await PosClient.connect({ host: '127.0.0.1', port, spec, framing });
    clients.push(client);
    return client;
  };

  it('binds the main listener and one per group', () => {
    expect(t.app.get(PosListener).addresses()).toHaveLength(3);
  });

  it('answers ISO87B behind a BCD length and a TPDU, a MAC terminal included', async () => {
    const client = await connect(1, ISO87B, CUP);
    const dukpt = await client.request(await terminal('SALDO001', ISO87B).balanceInquiry({ pan: '476173900101007', pin: '1234' }));
    // A 15-digit PAN (Luhn-valid, no such card): odd, so padded at the end; read, so 14 and not 30.
    expect(dukpt.fields.get(39)).toBe('14');
    const approved = await client.request(await terminal('SALDO001', ISO87B).balanceInquiry({ track2: '4761739001010010=3012101', pin: '1234' }));
    expect(approved.fields.get(39)).toBe('00');
    expect(amounts(approved.fields.get(54)).length).toBeGreaterThan(0);
    const saldo003 = terminal('SALDO003', ISO87B);
    const signed = await client.request(await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' }));
    expect(signed.fields.get(39)).toBe('00');
    expect(saldo003.verifyResponseMac(signed)).toBe('VERIFIED');
  });

  it('answers ISO87A behind a 4-digit ASCII length, chip data in field 55 as raw bytes', async () => {
    const client = await connect(2, ISO87A, ASCII4);
    const chip = await client.request(await terminal('SALDO001', ISO87A).balanceInquiry({ track2: '4761739001010010D3012101', chip: true, pin: '1234' }));
    expect(chip.fields.get(39)).toBe('00');
  });

  it('saldo-pos talks the profile and framing of a group listener when told to', async () => {
    if (!existsSync(SIMULATOR)) throw new Error(`${SIMULATOR} is missing: run npm run build first (npm test does)`);
    const port = String(t.app.get(PosListener).addresses()[1]?.port);
    const state = join(mkdtempSync(join(tmpdir(), 'saldo-pos-cli-')), 'state.json');
    // SALDO002, which no other test here uses: its STAN 1 cannot meet another request's STAN 1 (a 94).
    const args = [SIMULATOR, '--port', port, '--profile', 'iso87b', '--framing', 'bcd2-tpdu', '--terminal', 'SALDO002', '--pan', '6217000000000022', '--pin', '0000', '--json', '--state', state];
    const { stdout } = await promisify(execFile)(process.execPath, args, { env: { PATH: process.env.PATH }, timeout: 20_000 });
    expect(JSON.parse(stdout)).toMatchObject({ terminal: 'SALDO002', response: { approved: true, responseCode: '00' } });
    expect(stdout).not.toContain('6217000000000022');
  });

  it('a terminal on the wrong group listener is not understood: the frame does not decode', async () => {
    const client = await connect(0, ISO87B, DEFAULT_POS_FRAMING);
    await expect(client.request(await terminal('SALDO001', ISO87B).balanceInquiry({ pan: '4761739001010010', pin: '1234' }))).rejects.toThrow();
  });
});
