import { createCipheriv, createDecipheriv } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../apps/pos-simulator/src/cli-options.js';
import { countOnes, KsnExhaustedError, ksnFor, nextKsnCounter } from '../../apps/pos-simulator/src/ksn.js';
import { runLoad } from '../../apps/pos-simulator/src/load-test.js';
import { PosClient, PosClientError } from '../../apps/pos-simulator/src/pos-client.js';
import { describeResponse, formatMinor, summariseResponse } from '../../apps/pos-simulator/src/response-summary.js';
import { SimulatedTerminal, TerminalInputError } from '../../apps/pos-simulator/src/simulated-terminal.js';
import { demoTerminalProfile, type TerminalProfile } from '../../apps/pos-simulator/src/terminal-profile.js';
import { TerminalStateFile, type TerminalCounters, type TerminalStateStore } from '../../apps/pos-simulator/src/terminal-state.js';
import { DEFAULT_POS_FRAMING, frame, posFrameDecoder } from '../../libs/channels/src/pos/pos-framing.js';
import { ISO87A, macInput, pack, unpack, type Iso8583Message, type Iso8583MessageInput } from '../../libs/channels/src/pos/iso8583/index.js';
import { macForTerminal } from '../../libs/hsm/src/index.js';
import { encodePinBlock } from '../../libs/hsm/src/software/pin-block.js';
import { aesTerminalKey, terminalMac, terminalPinBlock, terminalRetailMac } from '../hsm/terminal.js';

const PAN = '4761739001010010';
const PIN = '1234';
const TDES_BDK = '0123456789ABCDEFFEDCBA9876543210';
const AES_BDK = 'FEDCBA9876543210F1F1F1F1F1F1F1F1';
const TPK = 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE';
const TAK = '0123456789ABCDEFFEDCBA9876543210';

const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'saldo-pos-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
const stateFile = (): TerminalStateFile => new TerminalStateFile(join(dir, `state-${++files}`, 'nested', 'pos.json'));
const profile = (tid: string): TerminalProfile => demoTerminalProfile(tid)!;
const terminal = (tid: string, state: TerminalStateStore = stateFile(), reserveBlock?: number) =>
  new SimulatedTerminal(profile(tid), state, { reserveBlock, now: () => new Date('2026-06-12T14:30:15Z') });

/** A store that counts writes, to show block reservation. */
class CountingStore implements TerminalStateStore {
  writes = 0;
  counters: TerminalCounters = { stan: 0, ksnCounter: 0 };
  async update(_tid: string, advance: (c: TerminalCounters) => TerminalCounters): Promise<TerminalCounters> {
    this.writes++;
    this.counters = advance(this.counters);
    return this.counters;
  }
}

describe('the PIN pad of each demo terminal matches the independent terminal (test/hsm/terminal.ts)', () => {
  it('SALDO001: TDES DUKPT, ISO-0 in field 52 under the KSN of field 53, counter from 1', async () => {
    const t = terminal('SALDO001');
    const first = await t.balanceInquiry({ pan: PAN, pin: PIN });
    const second = await t.balanceInquiry({ pan: PAN, pin: PIN });
    expect(first.fields.get(53)).toBe('FFFF9876543210E00001');
    expect(second.fields.get(53)).toBe('FFFF9876543210E00002');
    for (const m of [first, second]) {
      const expected = terminalPinBlock({ bdkHex: TDES_BDK, keyRef: 'BDK.TDES.DEMO', ksn: m.fields.get(53)!, pin: PIN, pan: PAN, format: 'ISO-0' });
      expect(m.fields.get(52)).toBe(expected.block);
      expect(m.fields.has(62)).toBe(false);
      expect(m.fields.has(64)).toBe(false);
    }
  });

  it('SALDO002: AES DUKPT, the 16-byte ISO-4 block in field 62 behind PINBLOCK4=, field 52 absent', async () => {
    const m = await terminal('SALDO002').balanceInquiry({ pan: '6217000000000014', pin: '8888' });
    expect(m.fields.get(53)).toBe('123456789012345600000001');
    // ISO-4 fills with random digits, so blocks differ: decrypt under the independently derived key.
    const block = /^PINBLOCK4=([0-9A-F]{32})$/.exec(m.fields.get(62)!)![1];
    const key = aesTerminalKey(AES_BDK, m.fields.get(53)!, 'pin');
    const aes = (data: Buffer) => createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(data);
    const panField = Buffer.from('4' + '6217000000000014'.padEnd(31, '0'), 'hex'); // PAN length − 12, then the PAN
    const pinField = aes(xor(aes(Buffer.from(block, 'hex')), panField)).toString('hex').toUpperCase();
    expect(pinField.slice(0, 16)).toBe('448888AAAAAAAAAA');
    expect(m.fields.has(52)).toBe(false);
  });

  it('SALDO003: fixed TPK ISO-0, no KSN, and the retail MAC under the TAK in field 64', async () => {
    const m = await terminal('SALDO003').balanceInquiry({ pan: PAN, pin: PIN });
    const tdes = createCipheriv('des-ede-ecb', Buffer.from(TPK, 'hex'), null).setAutoPadding(false);
    expect(m.fields.get(52)).toBe(tdes.update(encodePinBlock({ format: 'ISO-0', pin: PIN, pan: PAN })).toString('hex').toUpperCase());
    expect(m.fields.has(53)).toBe(false);
    expect(m.fields.get(64)).toBe(terminalRetailMac(Buffer.from(TAK, 'hex'), macInput(ISO87A, m)));
  });

  it('SALDO003: an 0800 has a secondary bitmap (field 70), so its MAC is field 128', async () => {
    const m = await terminal('SALDO003').networkManagement('echo');
    expect(m.fields.get(70)).toBe('301');
    expect(m.fields.has(64)).toBe(false);
    expect(m.fields.get(128)).toBe(terminalRetailMac(Buffer.from(TAK, 'hex'), macInput(ISO87A, m)));
  });

  it("verifies the host's MAC on a response: VERIFIED, MISMATCH, MISSING; NO_MAC_KEY without a TAK", () => {
    const fields = new Map([[11, '000001'], [39, '00'], [41, 'SALDO003']]);
    const response: Iso8583Message = { mti: '0210', fields };
    fields.set(64, terminalRetailMac(Buffer.from(TAK, 'hex'), macInput(ISO87A, response)));
    const t = terminal('SALDO003');
    expect(t.verifyResponseMac(response)).toBe('VERIFIED');
    expect(t.verifyResponseMac({ mti: '0210', fields: new Map([...fields, [39, '05']]) })).toBe('MISMATCH');
    expect(t.verifyResponseMac({ mti: '0210', fields: new Map([...fields].filter(([n]) => n !== 64)) })).toBe('MISSING');
    expect(terminal('SALDO001').verifyResponseMac(response)).toBe('NO_MAC_KEY');
  });

  it('macForTerminal with a BDK and KSN: the X9.24 request/response MAC keys (TDES retail MAC, AES-CMAC)', () => {
    const data = Buffer.from('0200 balance inquiry bytes');
    for (const direction of ['request', 'response'] as const) {
      const tdesKsn = 'FFFF9876543210E00008';
      expect(macForTerminal({ keyHex: TDES_BDK, algorithm: 'ISO9797-1-ALG3', ksn: tdesKsn, data, direction })).toBe(
        terminalMac({ bdkHex: TDES_BDK, ksn: tdesKsn, data, direction }),
      );
      const aesKsn = '123456789012345600000005';
      expect(macForTerminal({ keyHex: AES_BDK, algorithm: 'AES-CMAC', ksn: aesKsn, data, direction })).toBe(terminalMac({ bdkHex: AES_BDK, ksn: aesKsn, data, direction }));
    }
  });
});

describe('the balance inquiry on the wire', () => {
  it('0200 31xx00 with the account type, times, entry mode by card source, ids, and packs under ISO87A', async () => {
    const t = terminal('SALDO001');
    const keyed = await t.balanceInquiry({ pan: PAN, expiry: '3012', account: 'savings' });
    expect(keyed.mti).toBe('0200');
    expect(Object.fromEntries(keyed.fields)).toMatchObject({ 2: PAN, 3: '311000', 4: '000000000000', 7: '0612143015', 11: '000001', 14: '3012', 22: '012', 25: '00', 41: 'SALDO001', 42: 'SALDOMERCHANT01' });
    const swiped = await t.balanceInquiry({ track2: `${PAN}=30121010000`, account: 'checking', mti: '0100' });
    expect([swiped.mti, swiped.fields.get(3), swiped.fields.get(22), swiped.fields.has(2)]).toEqual(['0100', '312000', '021', false]);
    const chip = await t.balanceInquiry({ track2: `${PAN}=3012`, chip: true, account: 'credit' });
    expect([chip.fields.get(3), chip.fields.get(22)]).toEqual(['313000', '051']);
    const qr = await t.balanceInquiry({ qr: 'QR-TOKEN-1' });
    expect([qr.fields.get(48), qr.fields.get(22)]).toEqual(['QR-TOKEN-1', '031']);
    for (const m of [keyed, swiped, chip, qr]) expect(unpack(ISO87A, pack(ISO87A, m))).toEqual({ mti: m.mti, fields: new Map(m.fields) });
  });

  it('refuses what it cannot send before spending a counter, naming the flag but never the value', async () => {
    const store = new CountingStore();
    const t = terminal('SALDO001', store);
    const bad = [
      {},
      { pan: PAN, track2: `${PAN}=3012` },
      { pan: '4761739001010011', pin: PIN },
      { pan: PAN, pin: '12' },
      { track2: 'not-a-track' },
      { pan: PAN, expiry: '3013' },
      { pan: PAN, chip: true },
    ];
    for (const input of bad) {
      const error = await t.balanceInquiry(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerminalInputError);
      expect(String(error)).not.toMatch(/476173900101001/);
    }
    expect(store.writes).toBe(0);
  });
});

describe('DUKPT counters', () => {
  it('TDES: a counter with more than 10 one-bits is skipped (2046 → 2048, not 2047)', () => {
    expect(countOnes(2046)).toBe(10);
    expect(nextKsnCounter('TDES', 2046)).toBe(2048);
    expect(nextKsnCounter('TDES', 0)).toBe(1);
  });

  it('TDES: walking every counter yields exactly the 2^20 - 1 with 1 to 10 one-bits, then exhaustion', () => {
    let counter = 0;
    let used = 0;
    for (;;) {
      let next: number;
      try {
        next = nextKsnCounter('TDES', counter);
      } catch (error) {
        expect(error).toBeInstanceOf(KsnExhaustedError);
        break;
      }
      if (next <= counter || countOnes(next) > 10) throw new Error(`bad step ${counter} → ${next}`);
      for (let skipped = counter + 1; skipped < next; skipped++) if (countOnes(skipped) <= 10) throw new Error(`skipped ${skipped}`);
      counter = next;
      used++;
    }
    expect(used).toBe(2 ** 20 - 1);
  });

  it('AES: at most 16 one-bits in 32 (0x0000FFFF → 0x00010000; 0xFFFF0000 is the last)', () => {
    expect(nextKsnCounter('AES', 0x0000ffff)).toBe(0x00010000);
    expect(nextKsnCounter('AES', 0x0001fffe)).toBe(0x00020000);
    expect(() => nextKsnCounter('AES', 0xffff0000)).toThrow(KsnExhaustedError);
  });

  it('KSNs: TDES replaces the right 21 bits of the initial KSN; AES appends 8 hex digits to the key ID', () => {
    expect(ksnFor('TDES', 'FFFF9876543210E00000', 2048)).toBe('FFFF9876543210E00800');
    expect(ksnFor('TDES', 'FFFF9876543210E00000', 0x1fffff)).toBe('FFFF9876543210FFFFFF');
    expect(ksnFor('AES', '1234567890123456', 0x10)).toBe('123456789012345600000010');
  });

  it('the terminal skips a forbidden counter too', async () => {
    const store = new CountingStore();
    store.counters = { stan: 7, ksnCounter: 2046, ksnBase: 'FFFF9876543210E00000' };
    const m = await terminal('SALDO001', store).balanceInquiry({ pan: PAN, pin: PIN });
    expect(m.fields.get(53)).toBe('FFFF9876543210E00800');
    expect(m.fields.get(11)).toBe('000008');
  });
});

describe('terminal state file', () => {
  it('persists STAN and KSN counter across instances, in a directory it creates, written atomically', async () => {
    const state = stateFile();
    const a = terminal('SALDO001', state);
    await a.balanceInquiry({ pan: PAN, pin: PIN });
    await a.networkManagement('echo');
    const b = terminal('SALDO001', new TerminalStateFile(state.path));
    const m = await b.balanceInquiry({ pan: PAN, pin: PIN });
    expect([m.fields.get(11), m.fields.get(53)]).toEqual(['000003', 'FFFF9876543210E00002']);
    expect(await new TerminalStateFile(state.path).read('SALDO001')).toEqual({ stan: 3, ksnCounter: 2, ksnBase: 'FFFF9876543210E00000' });
    expect((await readdir(join(state.path, '..'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reserves in blocks: one write for a block, and a new instance starts after the whole block', async () => {
    const store = new CountingStore();
    const t = terminal('SALDO002', store, 50);
    for (let i = 0; i < 20; i++) await t.balanceInquiry({ pan: '6217000000000014', pin: '8888' });
    expect(store.writes).toBe(2); // the STAN block and the KSN block
    const next = await terminal('SALDO002', store).balanceInquiry({ pan: '6217000000000014', pin: '8888' });
    expect([next.fields.get(11), next.fields.get(53)]).toEqual(['000051', '123456789012345600000033']);
  });

  it('reserve(n) holds n of both counters in one write; concurrent builds never share a STAN', async () => {
    const store = new CountingStore();
    const t = terminal('SALDO001', store);
    await t.reserve(200);
    const built = await Promise.all(Array.from({ length: 200 }, () => t.balanceInquiry({ pan: PAN, pin: PIN })));
    expect(store.writes).toBe(1);
    expect(new Set(built.map((m) => m.fields.get(11))).size).toBe(200);
    expect(new Set(built.map((m) => m.fields.get(53))).size).toBe(200);
  });

  it('wraps the STAN after 999999, and restarts the KSN counter for a new initial key', async () => {
    const store = new CountingStore();
    store.counters = { stan: 999_999, ksnCounter: 500, ksnBase: 'FFFF0000000000E00000' };
    const m = await terminal('SALDO001', store).balanceInquiry({ pan: PAN, pin: PIN });
    expect([m.fields.get(11), m.fields.get(53)]).toEqual(['000001', 'FFFF9876543210E00001']);
  });

  it('refuses a file it did not write, naming the file', async () => {
    const state = stateFile();
    await terminal('SALDO001', state).networkManagement('echo');
    await writeFile(state.path, '{"version":1,"terminals":{"SALDO001":{"stan":"x"}}}');
    await expect(terminal('SALDO001', state).networkManagement('echo')).rejects.toThrow(state.path);
  });
});

describe('describeResponse', () => {
  const answer = (fields: [number, string][]): Iso8583Message => ({ mti: '0210', fields: new Map(fields) });

  it('masks the card and decodes field 54 (account, available/ledger, currency from minor units)', () => {
    const amounts = '2002840C000000123456' + '2001840C000000130000' + '1002156D000000000150' + '1001999C000000000007';
    const text = describeResponse(answer([[2, PAN], [11, '000042'], [37, '612345000042'], [39, '00'], [54, amounts]]));
    expect(text).toContain('00 approved');
    expect(text).toContain('476173******0010');
    expect(text).not.toContain(PAN);
    expect(text).toMatch(/checking\s+available\s+USD 1,234\.56/);
    expect(text).toMatch(/checking\s+ledger\s+USD 1,300\.00/);
    expect(text).toMatch(/savings\s+available\s+CNY -1\.50/);
    expect(text).toMatch(/7 minor units of currency 999/);
  });

  it('takes the card from track 2 or the request when the answer has none, masked; names the code', () => {
    const request: Iso8583MessageInput = { mti: '0200', fields: new Map([[35, `${PAN}=30121010000`]]) };
    const s = summariseResponse(answer([[39, '55']]), request);
    expect(s).toMatchObject({ card: '476173******0010', responseCode: '55', meaning: 'wrong PIN', approved: false, balances: [] });
    expect(JSON.stringify(s)).not.toContain(PAN);
    expect(summariseResponse(answer([[39, '42']])).meaning).toBe('unknown response code');
  });

  it('formats minor units with the currency exponent', () => {
    expect(formatMinor(123_456_789n, 2)).toBe('1,234,567.89');
    expect(formatMinor(5n, 2)).toBe('0.05');
    expect(formatMinor(1500n, 0)).toBe('1,500');
  });
});

/** A POS host on loopback: answers whatever `reply` returns, when it says so. */
class FakeHost {
  readonly server: Server;
  readonly sockets = new Set<Socket>();
  received: Iso8583Message[] = [];
  constructor(private readonly onMessage: (message: Iso8583Message, send: (m: Iso8583MessageInput) => void, socket: Socket) => void) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      const decoder = posFrameDecoder(DEFAULT_POS_FRAMING);
      const send = (m: Iso8583MessageInput) => socket.write(frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), pack(ISO87A, m)));
      socket.on('data', (chunk: Buffer) => {
        for (const f of decoder.push(chunk)) {
          const message = unpack(ISO87A, f.message);
          this.received.push(message);
          this.onMessage(message, send, socket);
        }
      });
    });
  }
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const answerTo = (m: Iso8583Message, code = '00'): Iso8583MessageInput => ({
  mti: `${m.mti.slice(0, 2)}${Number(m.mti[2]) + 1}${m.mti[3]}`,
  fields: new Map([...[11, 41].map((n): [number, string] => [n, m.fields.get(n) ?? '']), [39, code]]),
});
const probe = (stan: string, tid = 'SALDO001'): Iso8583MessageInput => ({ mti: '0800', fields: new Map([[11, stan], [41, tid], [70, '301']]) });

describe('PosClient against a loopback host', () => {
  let host: FakeHost | undefined;
  let client: PosClient | undefined;
  afterEach(async () => {
    await client?.close();
    await host?.close();
    client = host = undefined;
  });

  it('pipelines: ten requests in flight, answered in reverse order, each gets its own answer', async () => {
    const held: Iso8583Message[] = [];
    host = new FakeHost((m, send) => {
      held.push(m);
      if (held.length === 10) for (const h of held.reverse()) send(answerTo(h, h.fields.get(11)!.slice(-2)));
    });
    client = await PosClient.connect({ host: '127.0.0.1', port: await host.listen() });
    const stans = Array.from({ length: 10 }, (_, i) => String(i + 10).padStart(6, '0'));
    const answers = await Promise.all(stans.map((s) => client!.request(probe(s))));
    expect(answers.map((a) => [a.mti, a.fields.get(11), a.fields.get(39)])).toEqual(stans.map((s) => ['0810', s, s.slice(-2)]));
    expect(client.inFlight).toBe(0);
  });

  it('matches on terminal id too: the same STAN from two terminals is two requests', async () => {
    host = new FakeHost((m, send) => send(answerTo(m, m.fields.get(41) === 'SALDO002' ? '02' : '01')));
    client = await PosClient.connect({ host: '127.0.0.1', port: await host.listen() });
    const [a, b] = await Promise.all([client.request(probe('000001', 'SALDO001')), client.request(probe('000001', 'SALDO002'))]);
    expect([a.fields.get(39), b.fields.get(39)]).toEqual(['01', '02']);
    await expect(Promise.all([client.request(probe('000005')), client.request(probe('000005'))])).rejects.toMatchObject({ code: 'IN_FLIGHT' });
  });

  it('times out a request with no answer; the late answer is dropped and counted, the connection stays usable', async () => {
    let late: (() => void) | undefined;
    host = new FakeHost((m, send) => {
      if (m.fields.get(11) === '000999') late = () => send(answerTo(m));
      else send(answerTo(m));
    });
    client = await PosClient.connect({ host: '127.0.0.1', port: await host.listen() });
    const error = await client.request(probe('000999'), { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosClientError);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    late!();
    const next = await client.request(probe('000998'));
    expect(next.fields.get(11)).toBe('000998');
    expect(client.unmatched).toBe(1);
  });

  it('rejects every pending request when the host closes, and any request after', async () => {
    host = new FakeHost((_m, _send, socket) => {
      if (host!.received.length === 3) socket.destroy();
    });
    client = await PosClient.connect({ host: '127.0.0.1', port: await host.listen() });
    const results = await Promise.allSettled(['000001', '000002', '000003'].map((s) => client!.request(probe(s))));
    for (const r of results) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'CLOSED' } });
    await client.closed;
    expect(client.isClosed).toBe(true);
    await expect(client.request(probe('000004'))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it("answers the host's echo test (0800 / 301) with an approved 0810", async () => {
    let echoed: Iso8583Message | undefined;
    host = new FakeHost((m, send, socket) => {
      if (m.mti === '0810') echoed = m;
      else {
        send({ mti: '0800', fields: new Map([[7, '0612143015'], [11, '777777'], [70, '301']]) });
        socket.once('data', () => send(answerTo(m)));
      }
    });
    client = await PosClient.connect({ host: '127.0.0.1', port: await host.listen() });
    await client.request(probe('000001'));
    expect(echoed && Object.fromEntries(echoed.fields)).toEqual({ 7: '0612143015', 11: '777777', 39: '00', 70: '301' });
  });

  it('connect fails with CONNECT_FAILED when nothing listens', async () => {
    const closed = new FakeHost(() => undefined);
    const port = await closed.listen();
    await closed.close();
    await expect(PosClient.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('runLoad: a terminal and N requests over several connections, with a count per response code', async () => {
    host = new FakeHost((m, send) => send(answerTo(m, m.fields.get(2) === PAN ? '00' : '14')));
    const port = await host.listen();
    const store = new CountingStore();
    const result = await runLoad({
      connect: () => PosClient.connect({ host: '127.0.0.1', port }),
      terminal: terminal('SALDO001', store),
      requests: 60,
      concurrency: 8,
      maxConnections: 3,
      cards: [{ pan: PAN, pin: PIN }, { pan: '6217000000000014' }],
    });
    expect(result).toMatchObject({ count: 60, connections: 3, codes: { '00': 30, '14': 30 } });
    expect(result.p50Ms).toBeLessThanOrEqual(result.p99Ms);
    expect(result.p99Ms).toBeLessThanOrEqual(result.maxMs);
    expect(store.writes).toBe(1);
    expect(new Set(host.received.map((m) => m.fields.get(11))).size).toBe(60);
  });
});

describe('saldo-pos flags', () => {
  it('defaults: SALDO001 on 127.0.0.1, the port from POS_PORT, else 8583', () => {
    expect(parseCli(['--pan', PAN])).toMatchObject({ kind: 'inquiry', terminal: 'SALDO001', connection: { host: '127.0.0.1', port: 8583, tls: false } });
    expect(parseCli(['--echo'], { port: '9583' })).toMatchObject({ kind: 'network', action: 'echo', connection: { port: 9583 } });
    expect(parseCli(['--load', '100', '--concurrency', '16'])).toMatchObject({ kind: 'load', requests: 100, concurrency: 16 });
    // A QR token alone: field 48, no card and no PIN block (see the web e2e test for the answer).
    expect(parseCli(['--qr', 'SQABCDEFGHIJKLMNOPQRSTUVWXYZ'])).toEqual(expect.objectContaining({ kind: 'inquiry', inquiry: { qr: 'SQABCDEFGHIJKLMNOPQRSTUVWXYZ' } }));
  });

  it('profile and framing of the listener: ISO87A behind a 2-byte length unless told otherwise', () => {
    expect(parseCli(['--pan', PAN])).toMatchObject({ connection: { profile: 'iso87a', framing: 'binary2' } });
    expect(parseCli(['--pan', PAN, '--profile', 'iso87b', '--framing', 'bcd2-tpdu'])).toMatchObject({ connection: { profile: 'iso87b', framing: 'bcd2-tpdu' } });
    // The gateway's own settings in this shell, when it has them; a flag still wins.
    expect(parseCli(['--pan', PAN], { profile: 'iso87b', framing: 'ascii4' })).toMatchObject({ connection: { profile: 'iso87b', framing: 'ascii4' } });
    expect(parseCli(['--pan', PAN, '--profile', 'iso87a'], { profile: 'iso87b' })).toMatchObject({ connection: { profile: 'iso87a' } });
    expect(() => parseCli(['--pan', PAN, '--profile', 'iso93'])).toThrow('--profile is one of iso87a, iso87b');
    expect(() => parseCli(['--pan', PAN, '--framing', 'nac'])).toThrow('--framing is one of binary2, ascii4, bcd2-tpdu');
  });

  it('refuses bad flags with a UsageError that never repeats a stray value', () => {
    for (const argv of [['--bogus'], [PAN], ['--echo', '--pan', PAN], ['--echo', '--sign-on'], ['--port', '70000'], ['--account', 'gold'], ['--concurrency', '4'], ['--mti', '0400', '--pan', PAN]]) {
      let error: unknown;
      try {
        parseCli(argv);
      } catch (e) {
        error = e;
      }
      expect(error, argv.join(' ')).toBeInstanceOf(UsageError);
      expect(String(error)).not.toContain(PAN);
    }
  });
});

it('the state file is plain JSON a person can read', async () => {
  const state = stateFile();
  await terminal('SALDO002', state).balanceInquiry({ pan: '6217000000000014', pin: '8888' });
  expect(JSON.parse(await readFile(state.path, 'utf8'))).toEqual({ version: 1, terminals: { SALDO002: { stan: 1, ksnCounter: 1, ksnBase: '1234567890123456' } } });
});
