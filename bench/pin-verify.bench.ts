import { fork, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pan } from '#domain';
import {
  CryptoError,
  KeyAdmin,
  MemoryKeyStore,
  PayShieldHsm,
  SoftwareHsm,
  type CryptoPort,
  type EncryptedPinBlock,
  type PinCheck,
  type PinVerificationData,
} from '#hsm';
import {
  AesDukptBaseline,
  aesDukptPinBlock,
  FixedEcb,
  FixedTpkBaseline,
  iso0Clear,
  pvvOf,
  TdesDukptBaseline,
  tdesDukptPinBlock,
  type Baseline,
  type BaselineInput,
} from './pin-crypto.js';

/**
 * PIN verifications per second (`node dist/bench/pin-verify.bench.js`, part of `npm run bench`):
 *
 * 1. in process: SoftwareHsm.verifyPin, IN_PROCESS.concurrency promises outstanding;
 * 2. over TCP: PayShieldHsm (TCP.poolSize pipelined connections) against the payShield emulator
 *    running as its own process (dist/apps/hsm-emulator), TCP.concurrency requests in flight;
 * 3. beside each, a node:crypto baseline in this process doing the same DES/AES operations a
 *    verification needs (bench/pin-crypto.ts), so driver/baseline means something.
 *
 * Workloads: (a) ISO-0 under a fixed TDES TPK + Visa PVV; (b) ISO-0 under TDES DUKPT (X9.24-1) + PVV;
 * (c) ISO-4 under AES DUKPT (X9.24-3) + PVV. DUKPT KSNs come from TERMINALS terminals with random
 * counters below 2^21 of at most 10 one-bits (what a TDES device may use; the AES KSNs use the same
 * counters, so both do the same number of derivation steps). PIN blocks are made by the bench's own
 * terminal code (node:crypto), 1 in WRONG_EVERY with a wrong PIN (whose PVV differs): the bench fails
 * (exit 1) if a right PIN does not verify, a wrong one does, or any call fails.
 *
 * Prints a table; writes bench/results/pin-verify.json. PIN_BENCH_EMULATOR_ARGS (e.g. "--cpu-prof
 * --cpu-prof-dir=tmp-prof") is passed to the emulator's node; `--only=tcp` / `--only=local` runs one half.
 */

const LMK = 'B3A1C5D7E9F00112233445566778899AABBCCDDEEFF00112233445566778899A';
const PVKI = 1;
const KEYS = {
  pvk: { ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: '0123456789ABCDEF0123456789ABCDEF' },
  tpk: { ref: 'TPK.BENCH', type: 'TPK', algorithm: 'TDES', clearHex: 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE' },
  bdkTdes: { ref: 'BDK.TDES.BENCH', type: 'BDK', algorithm: 'TDES', clearHex: '0123456789ABCDEFFEDCBA9876543210' },
  bdkAes: { ref: 'BDK.AES.BENCH', type: 'BDK', algorithm: 'AES', clearHex: 'FEDCBA9876543210F1F1F1F1F1F1F1F1' },
  /** health() (the NC row) also checks that the PAN hashing key is readable. */
  panHash: { ref: 'PAN_HASH', type: 'PAN_HASH', algorithm: 'HMAC', clearHex: '5A'.repeat(32) },
} as const;

const CARDS = 1_000;
const TERMINALS = 500;
const REQUESTS_PER_WORKLOAD = 4_096;
const WRONG_EVERY = 16;
const IN_PROCESS = { concurrency: 64, warmupMs: 500, measureMs: 3_000 };
const BASELINE = { warmupMs: 300, measureMs: 2_000 };
const TCP = { concurrency: 256, poolSize: 2, headerLength: 4, warmupMs: 1_000, measureMs: 4_000 };
const TARGET_TCP = 2_500;

interface Request {
  readonly pan: Pan;
  readonly pinBlock: EncryptedPinBlock;
  readonly reference: PinVerificationData;
  readonly right: boolean;
  readonly baseline: BaselineInput;
}

interface Workload {
  readonly id: 'a' | 'b' | 'c';
  readonly name: string;
  readonly requests: readonly Request[];
  readonly baseline: Baseline;
  /** Mean DUKPT derivation steps (counter one-bits) per request. */
  readonly meanSteps?: number;
}

interface Run {
  perSecond: number;
  count: number;
  seconds: number;
  p50Ms?: number;
  p99Ms?: number;
  /** % of one core over the measured window. */
  clientCpu: number;
  emulatorCpu?: number;
}

interface Row {
  workload: string;
  path: 'in-process' | 'tcp';
  run?: Run;
  baselinePerSecond?: number;
  ratio?: number;
  note?: string;
}

/** Verdicts against what the request should give. */
class Tally {
  rightVerified = 0;
  rightMismatch = 0;
  wrongMismatch = 0;
  wrongVerified = 0;
  errors = 0;
  firstError: string | undefined;

  record(request: Request, verdict: PinCheck): void {
    if (request.right) {
      if (verdict === 'VERIFIED') this.rightVerified++;
      else this.rightMismatch++;
    } else if (verdict === 'MISMATCH') this.wrongMismatch++;
    else this.wrongVerified++;
  }

  error(error: unknown): void {
    this.errors++;
    this.firstError ??= error instanceof CryptoError ? `${error.code}: ${error.message}` : String(error);
  }

  get failed(): boolean {
    return this.rightMismatch > 0 || this.wrongVerified > 0 || this.errors > 0;
  }

  toJSON() {
    const { rightVerified, rightMismatch, wrongMismatch, wrongVerified, errors, firstError } = this;
    return { VERIFIED: rightVerified + wrongVerified, MISMATCH: rightMismatch + wrongMismatch, rightVerified, rightMismatch, wrongMismatch, wrongVerified, errors, firstError };
  }
}

async function main(): Promise<void> {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const started = performance.now();
  const store = new MemoryKeyStore();
  const admin = new KeyAdmin(LMK, store);
  for (const key of Object.values(KEYS)) await admin.importKey(key);

  const workloads = makeWorkloads();
  const rows: Row[] = [];
  const tallies: Record<string, Tally> = {};
  const baselines = new Map<string, number>();
  const baselineOf = (w: Workload): number => {
    let perSecond = baselines.get(w.id);
    if (perSecond === undefined) {
      perSecond = runBaseline(w);
      baselines.set(w.id, perSecond);
    }
    return perSecond;
  };

  if (only !== 'tcp') {
    const hsm = new SoftwareHsm(LMK, store, { pvkRef: KEYS.pvk.ref, pvki: PVKI });
    for (const w of workloads) {
      const baselinePerSecond = baselineOf(w);
      const tally = (tallies[`${w.id} in-process`] = new Tally());
      const run = await closedLoop(hsm, w.requests, IN_PROCESS, tally);
      rows.push({ workload: w.name, path: 'in-process', run, baselinePerSecond, ratio: run.perSecond / baselinePerSecond });
    }
  }

  if (only !== 'local') {
    const emulator = await startEmulator();
    const driver = new PayShieldHsm({
      host: '127.0.0.1',
      port: emulator.port,
      keyStore: store,
      headerLength: TCP.headerLength,
      poolSize: TCP.poolSize,
      timeoutMs: 10_000,
      pvkRef: KEYS.pvk.ref,
      pvki: PVKI,
      logger: quietLogger,
    }).start();
    try {
      await driver.whenConnected(5_000);
      const health = await driver.health();
      if (!health.ok) throw new Error(`emulator health: ${health.detail}`);
      rows.push({ workload: 'NC round trip (health(), no crypto)', path: 'tcp', run: await healthLoop(driver, emulator.child.pid!) });
      for (const w of workloads) {
        const probe = w.requests.find((r) => r.right)!;
        try {
          await driver.verifyPin(probe);
        } catch (error) {
          const why = error instanceof CryptoError ? `${error.code}: ${error.message}` : String(error);
          rows.push({ workload: w.name, path: 'tcp', note: `not over the payShield driver (${why})` });
          continue;
        }
        const baselinePerSecond = baselineOf(w);
        const tally = (tallies[`${w.id} tcp`] = new Tally());
        const run = await closedLoop(driver, w.requests, TCP, tally, emulator.child.pid);
        rows.push({ workload: w.name, path: 'tcp', run, baselinePerSecond, ratio: run.perSecond / baselinePerSecond });
      }
    } finally {
      driver.close();
      emulator.child.kill('SIGTERM');
    }
  }

  printTable(rows, workloads);
  const failed = Object.entries(tallies).filter(([, t]) => t.failed);
  for (const [what, t] of Object.entries(tallies)) {
    console.log(`  ${what.padEnd(16)} ${JSON.stringify(t)}`);
  }
  const report = {
    when: new Date().toISOString(),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    settings: { CARDS, TERMINALS, REQUESTS_PER_WORKLOAD, WRONG_EVERY, IN_PROCESS, BASELINE, TCP },
    workloads: workloads.map((w) => ({ id: w.id, name: w.name, meanDukptSteps: w.meanSteps })),
    rows,
    correctness: tallies,
    targetTcpPerSecond: TARGET_TCP,
    ok: failed.length === 0,
  };
  mkdirSync(join(import.meta.dirname, '../../bench/results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, '../../bench/results/pin-verify.json'), JSON.stringify(report, null, 2));
  if (failed.length > 0) {
    console.error(`PIN bench FAILED: wrong verdicts or errors in ${failed.map(([w]) => w).join(', ')}`);
    process.exitCode = 1;
  }
}

// ---- workloads --------------------------------------------------------------------------------

function makeWorkloads(): Workload[] {
  const pvk = new FixedEcb('des-ede-ecb', hex(KEYS.pvk.clearHex));
  const tpk = new FixedEcb('des-ede-ecb', hex(KEYS.tpk.clearHex));
  const bdkTdes = hex(KEYS.bdkTdes.clearHex);
  const bdkAes = hex(KEYS.bdkAes.clearHex);
  const cards = Array.from({ length: CARDS }, (_, i) => {
    const digits = luhn(`476173${String(100_000_000 + i * 7919).slice(-9)}`);
    const pin = String(randomInt(10_000)).padStart(4, '0');
    return { pan: Pan.fromTrusted(digits), digits, pin, pvv: pvvOf(pvk, digits, PVKI, pin) };
  });
  const reference = (pvv: string): PinVerificationData => ({ method: 'VISA_PVV', value: `${PVKI}:${pvv}` });
  /** The PIN entered: the card's, or (1 in WRONG_EVERY) another one whose PVV differs. */
  const entered = (card: (typeof cards)[number], i: number): { pin: string; right: boolean } => {
    if (i % WRONG_EVERY !== WRONG_EVERY - 1) return { pin: card.pin, right: true };
    for (;;) {
      const pin = String(randomInt(10_000)).padStart(4, '0');
      if (pvvOf(pvk, card.digits, PVKI, pin) !== card.pvv) return { pin, right: false };
    }
  };
  const build = (
    make: (card: (typeof cards)[number], pin: string, i: number) => { block: string; ksn?: string; steps?: number },
    format: EncryptedPinBlock['format'],
    keyRef: string,
  ) => {
    let steps = 0;
    const requests = Array.from({ length: REQUESTS_PER_WORKLOAD }, (_, i): Request => {
      const card = cards[randomInt(CARDS)];
      const { pin, right } = entered(card, i);
      const made = make(card, pin, i);
      steps += made.steps ?? 0;
      const pinBlock: EncryptedPinBlock = { format, block: made.block, keyRef, ...(made.ksn ? { ksn: made.ksn } : {}) };
      return { pan: card.pan, pinBlock, reference: reference(card.pvv), right, baseline: { pan: card.digits, block: made.block, ksn: made.ksn, pvv: card.pvv } };
    });
    return { requests, meanSteps: steps / REQUESTS_PER_WORKLOAD };
  };

  const a = build((card, pin) => ({ block: tpk.encrypt(iso0Clear(pin, card.digits)).toString('hex').toUpperCase() }), 'ISO-0', KEYS.tpk.ref);
  const b = build(
    (card, pin) => {
      const counter = dukptCounter();
      // 10-byte KSN: key set FFFF9876, 3-byte device id, 21-bit counter (top 3 bits of byte 7 zero).
      const ksn = Buffer.alloc(10);
      ksn.writeUInt32BE(0xffff9876, 0);
      ksn.writeUIntBE(0x100000 + randomInt(TERMINALS), 4, 3);
      ksn.writeUIntBE(counter, 7, 3);
      return { block: tdesDukptPinBlock(bdkTdes, ksn, pin, card.digits), ksn: ksn.toString('hex').toUpperCase(), steps: popcount(counter) };
    },
    'ISO-0',
    KEYS.bdkTdes.ref,
  );
  const c = build(
    (card, pin) => {
      const counter = dukptCounter();
      // 12-byte KSN: BDK ID 12345678, derivation (device) ID, 32-bit counter.
      const ksn = Buffer.alloc(12);
      ksn.writeUInt32BE(0x12345678, 0);
      ksn.writeUInt32BE(0x00a00000 + randomInt(TERMINALS), 4);
      ksn.writeUInt32BE(counter, 8);
      return { block: aesDukptPinBlock(bdkAes, ksn, pin, card.digits), ksn: ksn.toString('hex').toUpperCase(), steps: popcount(counter) };
    },
    'ISO-4',
    KEYS.bdkAes.ref,
  );
  return [
    { id: 'a', name: '(a) ISO-0, fixed TDES TPK + PVV', ...a, baseline: new FixedTpkBaseline(tpk, pvk, PVKI) },
    { id: 'b', name: '(b) ISO-0, TDES DUKPT + PVV', ...b, baseline: new TdesDukptBaseline(bdkTdes, pvk, PVKI) },
    { id: 'c', name: '(c) ISO-4, AES DUKPT + PVV', ...c, baseline: new AesDukptBaseline(bdkAes, pvk, PVKI) },
  ];
}

/** A counter a TDES DUKPT device may use: 1 … 2^21 − 1 with at most 10 one-bits. */
function dukptCounter(): number {
  for (;;) {
    const counter = randomInt(1, 1 << 21);
    if (popcount(counter) <= 10) return counter;
  }
}

function popcount(value: number): number {
  let ones = 0;
  for (let v = value >>> 0; v; v &= v - 1) ones++;
  return ones;
}

function luhn(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// ---- runners ----------------------------------------------------------------------------------

/** The baseline, synchronously, for BASELINE.measureMs; it must agree with every request's expectation. */
function runBaseline(w: Workload): number {
  for (const r of w.requests) {
    if (w.baseline.verify(r.baseline) !== r.right) throw new Error(`${w.name}: the baseline disagrees with the bench's own terminal`);
  }
  const loop = (ms: number): { count: number; seconds: number } => {
    const start = performance.now();
    const end = start + ms;
    const requests = w.requests;
    let count = 0;
    let ok = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 256; i++, count++) if (w.baseline.verify(requests[count % requests.length].baseline)) ok++;
    }
    if (ok === 0) throw new Error('baseline verified nothing');
    return { count, seconds: (performance.now() - start) / 1000 };
  };
  loop(BASELINE.warmupMs);
  const { count, seconds } = loop(BASELINE.measureMs);
  return count / seconds;
}

/** `concurrency` closed-loop workers calling verifyPin; a warm-up, then the measured window. */
async function closedLoop(
  port: CryptoPort,
  requests: readonly Request[],
  settings: { concurrency: number; warmupMs: number; measureMs: number },
  tally: Tally,
  emulatorPid?: number,
): Promise<Run> {
  let next = 0;
  const latencies: number[] = [];
  const phase = async (ms: number, measure: boolean): Promise<{ count: number; seconds: number }> => {
    const start = performance.now();
    const end = start + ms;
    let count = 0;
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        const request = requests[next++ % requests.length];
        const t0 = performance.now();
        try {
          const verdict = await port.verifyPin(request);
          if (measure) tally.record(request, verdict);
        } catch (error) {
          tally.error(error);
        }
        if (measure) latencies.push(performance.now() - t0);
        count++;
      }
    };
    await Promise.all(Array.from({ length: settings.concurrency }, worker));
    return { count, seconds: (performance.now() - start) / 1000 };
  };
  await phase(settings.warmupMs, false);
  const cpu = startCpu(emulatorPid);
  const { count, seconds } = await phase(settings.measureMs, true);
  const used = cpu.stop(seconds);
  latencies.sort((x, y) => x - y);
  const at = (q: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2));
  return {
    perSecond: count / seconds,
    count,
    seconds,
    ...(emulatorPid === undefined ? {} : { p50Ms: at(0.5), p99Ms: at(0.99) }),
    ...used,
  };
}

/** NC round trips through health(): the protocol and transport without crypto, for scale. */
async function healthLoop(driver: PayShieldHsm, emulatorPid: number): Promise<Run> {
  const fake = { verifyPin: async () => ((await driver.health()).ok ? 'VERIFIED' : 'MISMATCH') } as unknown as CryptoPort;
  const tally = new Tally();
  const probe = { right: true } as unknown as Request;
  const run = await closedLoop(fake, [probe], { ...TCP, measureMs: 2_000, warmupMs: 500 }, tally, emulatorPid);
  if (tally.failed) throw new Error(`NC round trips failed: ${tally.firstError ?? 'not ok'}`);
  return run;
}

function startCpu(emulatorPid: number | undefined): { stop(seconds: number): { clientCpu: number; emulatorCpu?: number } } {
  const client = process.cpuUsage();
  const emulator = emulatorPid === undefined ? 0 : procCpuSeconds(emulatorPid);
  return {
    stop(seconds: number) {
      const used = process.cpuUsage(client);
      const clientCpu = Math.round(((used.user + used.system) / 1e6 / seconds) * 100);
      if (emulatorPid === undefined) return { clientCpu };
      return { clientCpu, emulatorCpu: Math.round(((procCpuSeconds(emulatorPid) - emulator) / seconds) * 100) };
    },
  };
}

/** utime + stime of a process from /proc (clock ticks of 1/100 s on Linux). */
function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// ---- the emulator process ---------------------------------------------------------------------

async function startEmulator(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const script = join(import.meta.dirname, '../apps/hsm-emulator/src/main.js');
  const execArgv = (process.env.PIN_BENCH_EMULATOR_ARGS ?? '').split(' ').filter(Boolean);
  const child = fork(script, [], {
    env: { PATH: process.env.PATH, HSM_LMK: LMK, HSM_EMULATOR_PORT: String(port), HSM_HEADER_LENGTH: String(TCP.headerLength) },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (exited) throw new Error(`the HSM emulator ${exited}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('the HSM emulator did not listen within 15 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, port };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const quietLogger = {
  log: () => undefined,
  debug: () => undefined,
  warn: (m: string) => console.error(`payShield driver: ${m}`),
  error: (m: string) => console.error(`payShield driver: ${m}`),
};

// ---- output -----------------------------------------------------------------------------------

function printTable(rows: readonly Row[], workloads: readonly Workload[]): void {
  const n = (x: number | undefined) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
  const cells = [
    ['workload', 'path', 'verifications/s', 'baseline ops/s', 'ratio', 'p50 ms', 'p99 ms', 'CPU % bench / emulator'],
    ...rows.map((r) => [
      r.workload,
      r.path === 'tcp' ? `tcp, ${TCP.poolSize} conns × ${TCP.concurrency} in flight` : `in-process, ${IN_PROCESS.concurrency} in flight`,
      r.note ?? n(r.run?.perSecond),
      n(r.baselinePerSecond),
      r.ratio === undefined ? '–' : r.ratio.toFixed(2),
      r.run?.p50Ms?.toFixed(1) ?? '–',
      r.run?.p99Ms?.toFixed(1) ?? '–',
      r.run ? `${r.run.clientCpu}${r.run.emulatorCpu === undefined ? '' : ` / ${r.run.emulatorCpu}`}` : '–',
    ]),
  ];
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => (row[i].length > 60 ? 0 : row[i].length))));
  console.log(`\nPIN verification (Visa PVV), ${IN_PROCESS.measureMs / 1000} s in process / ${TCP.measureMs / 1000} s over TCP per workload`);
  for (const row of cells) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
  const steps = workloads.filter((w) => w.meanSteps).map((w) => `${w.id}: ${w.meanSteps!.toFixed(2)}`);
  console.log(`mean DUKPT derivation steps per request: ${steps.join(', ')}`);
  const tcp = rows.filter((r) => r.path === 'tcp' && r.run && r.ratio !== undefined);
  if (tcp.length > 0) {
    const worst = Math.min(...tcp.map((r) => r.run!.perSecond));
    console.log(`TCP target >= ${TARGET_TCP}/s: lowest workload ${n(worst)}/s ${worst >= TARGET_TCP ? 'MET' : 'NOT MET'}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
