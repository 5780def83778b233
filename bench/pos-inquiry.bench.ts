import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ISO87A, pack, unpack, type MessageSpec } from '../libs/channels/src/pos/iso8583/index.js';
import { DEFAULT_POS_FRAMING, frame } from '../libs/channels/src/pos/pos-framing.js';
import { SimulatedTerminal } from '../apps/pos-simulator/src/simulated-terminal.js';
import { demoTerminalProfile } from '../apps/pos-simulator/src/terminal-profile.js';
import type { TerminalCounters, TerminalStateStore } from '../apps/pos-simulator/src/terminal-state.js';
import { START_API_NODE_FLAGS, auditRows, freshDatabase, median } from './bench-support.js';
import { printProfileSummary, summariseProfile, type AttributionRule, type ProfileSummary } from './cpu-profile-summary.js';

/**
 * `node dist/bench/pos-inquiry.bench.js` (the last part of `npm run bench`): the POS path —
 * PIN-verified (TDES DUKPT, ISO-0) balance inquiries over TCP (ISO 8583, ISO87A, 2-byte binary
 * length) through the whole pipeline on PostgreSQL + Redis — beside two baselines run in the same
 * session, interleaved round by round:
 *
 * 1. `pgbench -S -M prepared -c 16 -j 2` on a scratch scale-10 database (the yardstick the lean
 *    reference, ../shared/notes/lean-limit.md, was measured against);
 * 2. a bare framed-TCP echo server (bench/pos-echo-server.ts, its own process) driven by the same
 *    load client;
 * 3. the gateway (`dist/apps/api/src/main.js` with `npm run start:api`'s node flags, its own process, its
 *    own fresh database `saldo_bench_pos` and Redis prefix, DEMO_MODE migrates and seeds it) at
 *    CONNECTIONS × 1 in flight, and CONNECTIONS × DEEP in flight.
 *
 * The load client runs in this process: closed loop, a new request the moment an answer arrives,
 * answers matched by STAN. Its requests come from a pool of ready-made frames built before any
 * measurement (terminal SALDO001 of the demo seed, the simulator's SimulatedTerminal: each frame
 * has its own DUKPT counter and the PIN block made under that KSN's key, for one of the three
 * approvable demo cards at random); per send only the STAN (field 11) and transmission time
 * (field 7) are patched, so every request has a key of its own for the gateway's duplicate
 * detection (terminal + STAN + field 7: unique unless 10^6 requests fall in one second).
 * Every answer's field 39 is counted: all must be 00 (the bench exits 1 otherwise).
 *
 * CPU of the gateway, PostgreSQL (the postmaster's helpers and the backends of the bench's own
 * databases; backends of other databases are shown apart as noise), Redis, this client and the
 * whole machine is read from /proc (utime + stime) at the start and end of each measured window.
 *
 * Environment: BENCH_SECONDS (measured window, default 10), BENCH_WARMUP_SECONDS (default 3),
 * BENCH_ROUNDS (default 2), BENCH_POOL (frames, default 20000), BENCH_CONNECTIONS (default 64),
 * BENCH_DEEP_IN_FLIGHT (default 4; 0 skips that run), BENCH_PROFILE=1 (after the rounds, one more
 * CONNECTIONS × 1 window with the gateway's V8 profiler on, summarised; files in BENCH_PROFILE_DIR,
 * default tmp-prof/), BENCH_GATEWAY_NODE_ARGS (extra node flags for the gateway), BENCH_LEAN_NODE_ARGS
 * (node flags for the lean reference, plain `node` by default).
 * Writes bench/results/pos-inquiry.json and the gateway's log to bench/results/pos-gateway.log.
 */

const env = process.env;
const num = (name: string, fallback: number): number => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
};

const MEASURE_S = num('BENCH_SECONDS', 10);
const WARMUP_S = num('BENCH_WARMUP_SECONDS', 3);
const ROUNDS = Math.max(1, Math.round(num('BENCH_ROUNDS', 2)));
const POOL_SIZE = Math.min(500_000, Math.max(100, Math.round(num('BENCH_POOL', 20_000))));
const CONNECTIONS = Math.max(1, Math.round(num('BENCH_CONNECTIONS', 64)));
const DEEP = Math.round(num('BENCH_DEEP_IN_FLIGHT', 4));
const PROFILE = env.BENCH_PROFILE === '1';
const GATEWAYS = Math.max(1, Math.round(num('BENCH_GATEWAYS', 1)));
/** BENCH_LEAN=0 skips the lean reference server's run. */
const LEAN_RUN = env.BENCH_LEAN !== '0';
const PROFILE_DIR = env.BENCH_PROFILE_DIR ?? 'tmp-prof';
const GATEWAY_NODE_ARGS = (env.BENCH_GATEWAY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
/** The lean reference runs as plain `node`, as the note ran it, unless given flags here. */
const LEAN_NODE_ARGS = (env.BENCH_LEAN_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const DB = 'saldo_bench_pos';
const PGBENCH_DB = 'saldo_bench_pgbench';
const PGBENCH_SCALE = 10;
const PGBENCH_CLIENTS = 16;
/** The bare echo's p99 at 64 × 1 on a quiet machine is 1.4–1.6 ms; noisy rounds showed 3.8. */
const QUIET_ECHO_P99_MS = 2.5;
const REDIS_URL = 'redis://127.0.0.1:6379';
/** The gateway's key prefix: its own, and removed at the end (duplicate-detection keys live 10 minutes). */
const REDIS_PREFIX = `saldo-bench-pos-${process.pid}-${randomBytes(3).toString('hex')}`;
const TERMINAL = 'SALDO001';
const CARDS = [
  { pan: '4761739001010010', pin: '1234' },
  { pan: '6217000000000014', pin: '8888' },
  { pan: '6217000000000022', pin: '0000' },
] as const;
const SPEC: MessageSpec = ISO87A;

/** ../shared/notes/lean-limit.md: the lean plain-Node server, as a fraction of pgbench -S. */
const LEAN = { best: 0.178, oneInFlight: 0.167, ceiling: 0.175 } as const;
const TARGET_RATIO = 0.1;
const GOAL_RATIO = 0.9 * LEAN.ceiling;
const P99_TARGET_MS = 15;
const DRAIN_TIMEOUT_MS = 10_000;

/** How the gateway profile's busy time is charged (first matching frame from the sample upwards). */
const PROFILE_RULES: readonly AttributionRule[] = [
  ['PostgreSQL client (pg, pg-protocol, pg-pool)', /\/node_modules\/(pg|pg-protocol|pg-pool|pg-types|pg-cloudflare|postgres-[a-z]+)\//],
  ['Redis client (ioredis, rate-limiter-flexible)', /\/node_modules\/(ioredis|@ioredis\/[^/]+|rate-limiter-flexible|redis-errors|redis-parser|denque|cluster-key-slot|standard-as-callback)\//],
  ['audit group commit (libs/pipeline adapters)', /\/libs\/pipeline\/src\/adapters\//],
  ['pipeline steps (libs/pipeline)', /\/libs\/pipeline\//],
  ['crypto: PIN, DUKPT, PAN hash (libs/hsm)', /\/libs\/hsm\//],
  ['ledger card lookup (libs/bank-core)', /\/libs\/bank-core\//],
  ['POS ISO 8583 codec', /\/libs\/channels\/src\/pos\/iso8583\//],
  ['POS duplicate guard', /\/libs\/channels\/src\/pos\/duplicates\//],
  ['POS connection, framing, reply write', /\/libs\/channels\/src\/pos\/(pos-connection|pos-framing)\.js/],
  ['POS handlers (message, inquiry, response)', /\/libs\/channels\/src\/pos\//],
  ['platform (rate-limit service, logging)', /\/libs\/platform\//],
  ['db (SqlClient, Prisma)', /\/libs\/db\/|\/node_modules\/(@prisma|\.prisma)\//],
  ['Nest, pino', /\/node_modules\/(@nestjs\/[^/]+|pino[^/]*|nestjs-pino|rxjs)\//],
];

const DIST = join(import.meta.dirname, '..');
const RESULTS = join(import.meta.dirname, '../../bench/results');

// ---- request pool --------------------------------------------------------------------------

/** Counters in memory, starting the DUKPT counter where a terminal in service might be. */
class BenchTerminalState implements TerminalStateStore {
  readonly #counters = new Map<string, TerminalCounters>();
  constructor(private readonly initial: TerminalCounters) {}

  update(tid: string, advance: (current: TerminalCounters) => TerminalCounters): Promise<TerminalCounters> {
    const next = advance(this.#counters.get(tid) ?? this.initial);
    this.#counters.set(tid, next);
    return Promise.resolve(next);
  }
}

interface FramePool {
  /** Each: 2-byte length + ISO87A message. */
  readonly frames: Buffer[];
  /** Offsets in the frame (length header included) of field 11 and field 7. */
  readonly stanAt: Int32Array;
  readonly f7At: Int32Array;
  readonly card: Uint8Array;
  readonly meanCounterOnes: number;
  readonly buildSeconds: number;
}

async function buildPool(size: number): Promise<FramePool> {
  const started = performance.now();
  const profile = demoTerminalProfile(TERMINAL);
  if (!profile || profile.pin.mode !== 'DUKPT_TDES') throw new Error(`demo terminal ${TERMINAL} is not a TDES DUKPT terminal`);
  // A terminal some way into its life: counters from 2^18..2^19 on, about as varied in one-bits as
  // random ones (the lean reference used random counters of at most 10 one-bits); the counter
  // space above holds over a million usable values.
  const initial: TerminalCounters = { stan: 0, ksnCounter: randomInt(2 ** 18, 2 ** 19), ksnBase: profile.pin.initialId };
  const terminal = new SimulatedTerminal(profile, new BenchTerminalState(initial));
  await terminal.reserve(size);
  const reader = new FieldLocator(SPEC);
  const frames: Buffer[] = [];
  const stanAt = new Int32Array(size);
  const f7At = new Int32Array(size);
  const card = new Uint8Array(size);
  let ones = 0;
  const noTpdu = Buffer.alloc(0);
  for (let i = 0; i < size; i++) {
    const c = randomInt(CARDS.length);
    const message = await terminal.balanceInquiry({ pan: CARDS[c].pan, pin: CARDS[c].pin });
    const bytes = frame(DEFAULT_POS_FRAMING, noTpdu, pack(SPEC, message));
    const body = bytes.subarray(2);
    const s = reader.locate(body, 11);
    const t = reader.locate(body, 7);
    if (s < 0 || t < 0 || body.toString('latin1', s, s + 6) !== message.fields.get(11) || body.toString('latin1', t, t + 10) !== message.fields.get(7)) {
      throw new Error('the field locator disagrees with the packer');
    }
    const ksn = message.fields.get(53) ?? '';
    ones += popcount(Number.parseInt(ksn.slice(-6), 16) & 0x1fffff);
    frames.push(bytes);
    stanAt[i] = s + 2;
    f7At[i] = t + 2;
    card[i] = c;
  }
  return { frames, stanAt, f7At, card, meanCounterOnes: ones / size, buildSeconds: (performance.now() - started) / 1000 };
}

function popcount(v: number): number {
  let n = 0;
  for (; v; v &= v - 1) n++;
  return n;
}

/**
 * Where a fixed field's value starts in an ISO87A message (hex bitmap, ASCII lengths), without
 * decoding the others: the load client's hot path (the codec's unpack costs ~9 µs an answer).
 * Checked against the codec on the pool and on the probe's answers.
 */
class FieldLocator {
  readonly #fixedWire = new Int32Array(129).fill(-2);
  readonly #prefixDigits = new Uint8Array(129);
  readonly #unitWire = new Uint8Array(129);
  readonly #mtiBytes: number;

  constructor(spec: MessageSpec) {
    if (spec.bitmap !== 'hex') throw new Error('the load client reads hex bitmaps (ISO87A) only');
    this.#mtiBytes = spec.mti.wireLength(4);
    for (let n = 2; n <= 128; n++) {
      const f = spec.fields[n];
      if (!f) continue;
      if (f.prefix.digits === 0) this.#fixedWire[n] = f.encoder.wireLength(f.length);
      else {
        if (f.prefix.size !== f.prefix.digits) throw new Error('the load client reads ASCII length prefixes only');
        this.#fixedWire[n] = -1;
        this.#prefixDigits[n] = f.prefix.digits;
        this.#unitWire[n] = f.encoder.wireLength(2) / 2;
      }
    }
  }

  /** Offset of field `target`'s value in `msg`, or -1 when absent. */
  locate(msg: Buffer, target: number): number {
    const bitmapAt = this.#mtiBytes;
    let off = bitmapAt + (nibble(msg[bitmapAt]) & 8 ? 32 : 16);
    for (let k = 2; k <= target; k++) {
      if (!(nibble(msg[bitmapAt + ((k - 1) >> 2)]) & (8 >> ((k - 1) & 3)))) {
        if (k === target) return -1;
        continue;
      }
      if (k === target) return off;
      const fixed = this.#fixedWire[k];
      if (fixed >= 0) off += fixed;
      else if (fixed === -1) {
        const digits = this.#prefixDigits[k];
        let units = 0;
        for (let i = 0; i < digits; i++) units = units * 10 + msg[off + i] - 48;
        off += digits + units * this.#unitWire[k];
      } else throw new Error(`field ${k} is not in the spec`);
    }
    return -1;
  }
}

function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

// ---- transmission fields patched per send ---------------------------------------------------

let stanCounter = 0;
let f7Second = -1;
const f7Bytes = Buffer.alloc(10);
const two = (n: number): string => String(n).padStart(2, '0');

function nextStan(): number {
  stanCounter = (stanCounter % 999_999) + 1;
  return stanCounter;
}

/** Field 7, MMDDhhmmss UTC, recomputed once a second. */
function currentF7(): Buffer {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== f7Second) {
    f7Second = second;
    const d = new Date(now);
    f7Bytes.write(two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()), 'latin1');
  }
  return f7Bytes;
}

function writeDigits(buf: Buffer, at: number, value: number, width: number): void {
  for (let i = width - 1; i >= 0; i--) {
    buf[at + i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
}

function readDigits(buf: Buffer, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 10 + buf[at + i] - 48;
  return v;
}

/** A ready frame with a fresh STAN and the current field 7 (a copy: the pool stays intact). */
function requestFrame(pool: FramePool, i: number, stan: number): Buffer {
  const src = pool.frames[i];
  const out = Buffer.allocUnsafe(src.length);
  src.copy(out);
  writeDigits(out, pool.stanAt[i], stan, 6);
  currentF7().copy(out, pool.f7At[i]);
  return out;
}

// ---- CPU from /proc ---------------------------------------------------------------------------

const CLK_TCK = 100;

interface ProcSample {
  comm: string;
  ticks: number;
  group: string;
}

interface CpuSnapshot {
  at: number;
  procs: Map<number, ProcSample>;
  machineBusy: number;
  machineTotal: number;
  machineSteal: number;
}

export interface CpuShares {
  /** % of one core over the window (200 = the whole 2-core machine). */
  server?: number;
  echo?: number;
  /** The lean reference server (bench/pos-lean-server.ts). */
  lean?: number;
  pg: number;
  pgOtherDatabases: number;
  redis: number;
  client: number;
  pgbench?: number;
  machine: number;
  /** Time the hypervisor gave this VM's CPUs to someone else (% of one core; part of `machine`). */
  steal: number;
  /** The machine minus the bench's own processes (server or echo or pgbench, PG, Redis, client): other people's work (noise), kernel threads. */
  rest: number;
}

const cmdlines = new Map<number, string>();

function classify(pid: number, comm: string, roles: ReadonlyMap<number, string>): string | undefined {
  const role = roles.get(pid);
  if (role) return role;
  if (comm === 'redis-server') return 'redis';
  if (comm === 'pgbench') return 'pgbench';
  if (comm !== 'postgres') return undefined;
  let cmd = cmdlines.get(pid);
  if (cmd === undefined) {
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
    } catch {
      cmd = '';
    }
    // A backend just forked still shows the postmaster's command line: keep only set titles.
    if (cmd.startsWith('postgres: ')) cmdlines.set(pid, cmd);
  }
  // A backend: "postgres: [15/main: ]user database host(port) state"; anything else is the
  // postmaster or one of its helpers (checkpointer, walwriter, autovacuum...).
  const backend = /^postgres: (?:\S+\/\S+: )?\S+ (\S+) (?:\d+\.\d+\.\d+\.\d+|\[local\]|::1)/.exec(cmd);
  if (!backend) return 'pg';
  return backend[1] === DB || backend[1] === PGBENCH_DB ? 'pg' : 'pgOtherDatabases';
}

function snapshot(roles: ReadonlyMap<number, string>): CpuSnapshot {
  const procs = new Map<number, ProcSample>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue;
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(open + 1, close);
    const group = classify(pid, comm, roles);
    if (!group) continue;
    const rest = stat.slice(close + 2).split(' ');
    procs.set(pid, { comm, group, ticks: Number(rest[11]) + Number(rest[12]) });
  }
  const cpu = readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { at: performance.now(), procs, machineBusy: total - cpu[3] - cpu[4], machineTotal: total, machineSteal: cpu[7] ?? 0 };
}

function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuShares {
  const seconds = (b.at - a.at) / 1000;
  const ticks = new Map<string, number>();
  for (const [pid, s] of b.procs) {
    const before = a.procs.get(pid);
    const delta = before && before.comm === s.comm ? s.ticks - before.ticks : s.ticks;
    ticks.set(s.group, (ticks.get(s.group) ?? 0) + delta);
  }
  const pct = (group: string) => round1((100 * (ticks.get(group) ?? 0)) / CLK_TCK / seconds);
  const has = (group: string) => [...b.procs.values()].some((s) => s.group === group);
  const machine = round1((100 * cpus().length * (b.machineBusy - a.machineBusy)) / Math.max(1, b.machineTotal - a.machineTotal));
  const known = ['server', 'echo', 'lean', 'pgbench', 'pg', 'redis', 'client'].reduce((n, g) => n + pct(g), 0);
  return {
    ...(has('server') ? { server: pct('server') } : {}),
    ...(has('echo') ? { echo: pct('echo') } : {}),
    ...(has('lean') ? { lean: pct('lean') } : {}),
    ...(has('pgbench') ? { pgbench: pct('pgbench') } : {}),
    pg: pct('pg'),
    pgOtherDatabases: pct('pgOtherDatabases'),
    redis: pct('redis'),
    client: pct('client'),
    machine,
    steal: round1((100 * cpus().length * (b.machineSteal - a.machineSteal)) / Math.max(1, b.machineTotal - a.machineTotal)),
    rest: round1(Math.max(0, machine - known)),
  };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

// ---- load client ------------------------------------------------------------------------------

export interface LoadRun {
  perSecond: number;
  count: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Field 39 of each answer in the window ('echo' for the echo server's), or NO_ANSWER / UNMATCHED / CLOSED. */
  codes: Record<string, number>;
  /** The same over the whole run, warm-up and drain included. */
  codesAll: Record<string, number>;
  cpu: CpuShares;
  /** PostgreSQL transactions committed in the gateway's database per answer (pg_stat_database; ±1 s of stats lag). */
  commitsPerAnswer?: number;
}

interface LoadOptions {
  readonly port: number;
  /** Extra gateway ports: connection i goes to [port, ...morePorts][i % n]. */
  readonly morePorts?: readonly number[];
  readonly connections: number;
  readonly depth: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly roles: ReadonlyMap<number, string>;
  readonly onWindowStart?: () => void;
  readonly onWindowEnd?: () => void;
  /** The gateway database's committed transactions so far. */
  readonly commits?: () => Promise<number>;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/**
 * Closed loop: `connections` sockets, each keeping `depth` requests in flight. Answers count when
 * they arrive inside the measured window; their latency runs from the write to the answer.
 */
async function runLoad(pool: FramePool, o: LoadOptions): Promise<LoadRun> {
  const locator = new FieldLocator(SPEC);
  const ports = [o.port, ...(o.morePorts ?? [])];
  const sockets = await Promise.all(Array.from({ length: o.connections }, (_, i) => openSocket(ports[i % ports.length])));
  const WARM = 0;
  const WINDOW = 1;
  const STOPPING = 2;
  let phase = WARM;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let inFlight = 0;
  const codes: Record<string, number> = {};
  const codesAll: Record<string, number> = {};
  const bump = (code: string) => {
    codesAll[code] = (codesAll[code] ?? 0) + 1;
    if (phase === WINDOW) codes[code] = (codes[code] ?? 0) + 1;
  };
  let drained: (() => void) | undefined;

  const conns = sockets.map((socket) => {
    const pending = new Map<number, number>();
    const send = () => {
      const i = (Math.random() * pool.frames.length) | 0;
      const stan = nextStan();
      const bytes = requestFrame(pool, i, stan);
      pending.set(stan, performance.now());
      inFlight++;
      socket.write(bytes);
    };
    const onFrame = (msg: Buffer, at: number) => {
      const s = locator.locate(msg, 11);
      const stan = s < 0 ? -1 : readDigits(msg, s, 6);
      const sent = pending.get(stan);
      if (sent === undefined) {
        bump('UNMATCHED');
        return;
      }
      pending.delete(stan);
      inFlight--;
      const c = locator.locate(msg, 39);
      const code = c < 0 ? 'echo' : msg[c] === 48 && msg[c + 1] === 48 ? '00' : msg.toString('latin1', c, c + 2);
      bump(code);
      if (phase === WINDOW) {
        if (count === latencies.length) {
          const bigger = new Float64Array(latencies.length * 2);
          bigger.set(latencies);
          latencies = bigger;
        }
        latencies[count++] = at - sent;
      }
      if (phase !== STOPPING) send();
      else if (inFlight === 0) drained?.();
    };
    let rest: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      let data = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = undefined;
      const at = performance.now();
      // Requests sent while handling one chunk leave in one write.
      socket.cork();
      while (data.length >= 2) {
        const end = 2 + data.readUInt16BE(0);
        if (data.length < end) break;
        onFrame(data.subarray(2, end), at);
        data = data.subarray(end);
      }
      socket.uncork();
      if (data.length > 0) rest = Buffer.from(data);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (pending.size === 0) return;
      bump('CLOSED');
      inFlight -= pending.size;
      pending.clear();
      if (phase === STOPPING && inFlight === 0) drained?.();
    });
    return { socket, pending, send };
  });

  for (const c of conns) for (let d = 0; d < o.depth; d++) c.send();
  await sleep(o.warmupMs);
  const commitsBefore = await o.commits?.();
  const startCpu = snapshot(o.roles);
  o.onWindowStart?.();
  phase = WINDOW;
  const windowStart = performance.now();
  await sleep(o.measureMs);
  phase = STOPPING;
  const windowEnd = performance.now();
  o.onWindowEnd?.();
  const endCpu = snapshot(o.roles);
  const commitsAfter = await o.commits?.();
  if (inFlight > 0) {
    await Promise.race([new Promise<void>((resolve) => (drained = resolve)), sleep(DRAIN_TIMEOUT_MS)]);
  }
  if (inFlight > 0) codesAll.NO_ANSWER = (codesAll.NO_ANSWER ?? 0) + inFlight;
  await Promise.all(conns.map((c) => new Promise<void>((resolve) => c.socket.end(resolve))));
  for (const c of conns) c.socket.destroy();

  const seconds = (windowEnd - windowStart) / 1000;
  const sorted = latencies.subarray(0, count).sort();
  const pick = (p: number) => (count ? sorted[Math.min(count - 1, Math.ceil(p * count) - 1)] : 0);
  return {
    perSecond: Math.round(count / seconds),
    count,
    seconds: round1(seconds),
    p50Ms: round2(pick(0.5)),
    p99Ms: round2(pick(0.99)),
    maxMs: round2(count ? sorted[count - 1] : 0),
    codes,
    codesAll,
    cpu: cpuBetween(startCpu, endCpu),
    ...(commitsBefore !== undefined && commitsAfter !== undefined && count > 0 ? { commitsPerAnswer: round2((commitsAfter - commitsBefore) / count) } : {}),
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- pgbench ----------------------------------------------------------------------------------

interface PgbenchRun {
  perSecond: number;
  latencyAvgMs: number;
  seconds: number;
  cpu: CpuShares;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

/** The scratch pgbench database: initialised once (scale 10), reused by later runs of the bench. */
async function ensurePgbenchDatabase(): Promise<'reused' | 'initialised'> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [PGBENCH_DB])).rowCount === 1;
    if (exists) {
      const c = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${PGBENCH_DB}` });
      await c.connect();
      try {
        const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pgbench_branches');
        if (rows[0]?.n === PGBENCH_SCALE) return 'reused';
      } catch {
        // not initialised: start again below
      } finally {
        await c.end();
      }
      await admin.query(`DROP DATABASE ${PGBENCH_DB} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${PGBENCH_DB}`);
  } finally {
    await admin.end();
  }
  await run('pgbench', ['-i', '-q', '-s', String(PGBENCH_SCALE), '-h', '127.0.0.1', '-U', 'postgres', PGBENCH_DB]);
  return 'initialised';
}

async function runPgbench(seconds: number, roles: ReadonlyMap<number, string>): Promise<PgbenchRun> {
  const done = run('pgbench', ['-h', '127.0.0.1', '-U', 'postgres', '-S', '-M', 'prepared', '-c', String(PGBENCH_CLIENTS), '-j', '2', '-T', String(seconds), PGBENCH_DB]);
  // CPU over the middle of the run, when every client is connected.
  await sleep(Math.min(1000, seconds * 100));
  const a = snapshot(roles);
  await sleep(Math.max(100, seconds * 1000 - Math.min(1000, seconds * 100) - 500));
  const b = snapshot(roles);
  const out = await done;
  const tps = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(out);
  if (!tps) throw new Error(`no tps in the pgbench output:\n${out}`);
  const latency = /latency average = ([\d.]+) ms/.exec(out);
  return { perSecond: Math.round(Number(tps[1])), latencyAvgMs: Number(latency?.[1] ?? 0), seconds, cpu: cpuBetween(a, b) };
}

// ---- processes --------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Gateway {
  readonly child: ChildProcess;
  readonly httpPort: number;
  readonly posPort: number;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
}

/** Starts the gateway process (its readiness is `gatewayReady`'s to wait for). */
async function startGateway(dbUrl: string, index = 0): Promise<Gateway> {
  const [httpPort, posPort] = [await freePort(), await freePort()];
  const logFile = join(RESULTS, index ? `pos-gateway-${index + 1}.log` : 'pos-gateway.log');
  const log = openSync(logFile, 'w');
  const nodeArgs = [
    ...START_API_NODE_FLAGS,
    ...(PROFILE ? ['--import', join(DIST, 'bench/gateway-profiler.js')] : []),
    ...GATEWAY_NODE_ARGS,
    join(DIST, 'apps/api/src/main.js'),
  ];
  const child = spawn(process.execPath, nodeArgs, {
    env: {
      PATH: env.PATH,
      DEMO_MODE: 'true',
      HOST: '127.0.0.1',
      PORT: String(httpPort),
      POS_HOST: '127.0.0.1',
      POS_PORT: String(posPort),
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: env.BENCH_DB_POOL ?? '16',
      REDIS_URL,
      REDIS_PREFIX,
      LOG_LEVEL: 'warn',
      RATE_CARD_PER_MINUTE: '1000000000',
      RATE_TERMINAL_PER_MINUTE: '1000000000',
      ...(PROFILE ? { BENCH_PROFILE_DIR: PROFILE_DIR, BENCH_PROFILE_HEAP: env.BENCH_PROFILE_HEAP ?? '0' } : {}),
    },
    // The profiler preload takes its orders over IPC.
    stdio: PROFILE ? ['ignore', log, log, 'ipc'] : ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, httpPort, posPort, logFile, exited };
}

/** The HTTP listener opens after migrations and the demo seed (apps/api/src/main.ts); then the POS port must answer. */
async function gatewayReady(gateway: Gateway): Promise<void> {
  const { httpPort, posPort, logFile } = gateway;
  const deadline = Date.now() + 120_000;
  let dead = false;
  void gateway.exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`the gateway exited during start-up; see ${logFile}:\n${tail(logFile)}`);
    if (Date.now() > deadline) throw new Error(`the gateway did not become ready in 120 s; see ${logFile}`);
    try {
      if ((await fetch(`http://127.0.0.1:${httpPort}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  (await openSocket(posPort)).destroy();
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** The lean reference server on the gateway's seeded database (its keys, cards and audit table). */
function startLean(dbUrl: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(DIST, 'bench/pos-lean-server.js'), [], {
      execArgv: LEAN_NODE_ARGS,
      env: { PATH: env.PATH, DATABASE_URL: dbUrl, REDIS_URL, REDIS_PREFIX },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the lean reference server exited with ${code}`)));
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
  });
}

function startEcho(): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(DIST, 'bench/pos-echo-server.js'), ['0'], { env: { PATH: env.PATH }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the echo server exited with ${code}`)));
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killed = await Promise.race([gone.then(() => true), sleep(15_000).then(() => false)]);
  if (!killed) {
    child.kill('SIGKILL');
    await gone;
  }
}

/** One inquiry per demo card, decoded with the codec: 00 with field 54, and the locator agrees. */
async function probe(port: number, pool: FramePool): Promise<string[]> {
  const socket = await openSocket(port);
  const locator = new FieldLocator(SPEC);
  const lines: string[] = [];
  try {
    for (let c = 0; c < CARDS.length; c++) {
      const i = pool.card.indexOf(c);
      const stan = nextStan();
      const answer = await new Promise<Buffer>((resolve, reject) => {
        let got = Buffer.alloc(0);
        const onData = (d: Buffer) => {
          got = Buffer.concat([got, d]);
          if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
            socket.off('data', onData);
            resolve(got.subarray(2, 2 + got.readUInt16BE(0)));
          }
        };
        socket.on('data', onData);
        socket.once('error', reject);
        socket.write(requestFrame(pool, i, stan));
      });
      const message = unpack(SPEC, answer);
      const s = locator.locate(answer, 11);
      const r = locator.locate(answer, 39);
      if (message.fields.get(11) !== String(stan).padStart(6, '0') || answer.toString('latin1', s, s + 6) !== message.fields.get(11)) {
        throw new Error('probe: the answer does not carry the request STAN where the load client reads it');
      }
      if (answer.toString('latin1', r, r + 2) !== message.fields.get(39)) throw new Error('probe: the load client reads field 39 wrongly');
      const code = message.fields.get(39);
      const f54 = message.fields.get(54) ?? '';
      if (code !== '00' || !f54) throw new Error(`probe: card ${c + 1} answered ${code ?? 'no field 39'} (expected 00 with balances); see ${join(RESULTS, 'pos-gateway.log')}`);
      lines.push(`card …${CARDS[c].pan.slice(-4)}: ${message.mti} 39=${code}, field 54 ${f54.length / 20} amounts`);
    }
  } finally {
    socket.destroy();
  }
  return lines;
}

async function dropRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return undefined;
  }
}

// ---- report -----------------------------------------------------------------------------------

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio3 = (n: number): number => Math.round(n * 1000) / 1000;

interface Row {
  name: string;
  shape: string;
  perSecond: number[];
  p50?: number[];
  p99?: number[];
  max?: number[];
  cpu: CpuShares[];
  serverGroup?: 'server' | 'echo' | 'lean' | 'pgbench';
}

function medianCpu(cpu: CpuShares[], key: keyof CpuShares): number | undefined {
  const xs = cpu.map((c) => c[key]).filter((x): x is number => x !== undefined);
  return xs.length ? round1(median(xs)) : undefined;
}

function printTable(rows: Row[], pgbenchMedian: number): void {
  const header = ['run', 'conns × in flight', 'median/s', 'per round', 'p50 ms', 'p99 ms', 'max ms', 'ratio to pgbench', 'CPU srv / PG / Redis / client / machine', 'rest of machine (steal)'];
  const lines = rows.map((r) => {
    const srv = medianCpu(r.cpu, r.serverGroup ?? 'server');
    const show = (x: number | undefined) => (x === undefined ? '–' : String(Math.round(x)));
    return [
      r.name,
      r.shape,
      fmt(median(r.perSecond)),
      r.perSecond.map(fmt).join(', '),
      r.p50 ? median(r.p50).toFixed(2) : '–',
      r.p99 ? median(r.p99).toFixed(2) : '–',
      r.max ? median(r.max).toFixed(1) : '–',
      (median(r.perSecond) / pgbenchMedian).toFixed(3),
      `${show(srv)} / ${show(medianCpu(r.cpu, 'pg'))} / ${show(medianCpu(r.cpu, 'redis'))} / ${show(medianCpu(r.cpu, 'client'))} / ${show(medianCpu(r.cpu, 'machine'))}`,
      `${show(medianCpu(r.cpu, 'rest'))} (${show(medianCpu(r.cpu, 'steal'))})`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(line(l));
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const started = performance.now();
  console.log(
    `\nPOS balance inquiry bench: ${ROUNDS} rounds of pgbench -S → echo → POS ${CONNECTIONS}×1${DEEP > 0 ? ` → POS ${CONNECTIONS}×${DEEP}` : ''}, ` +
      `${WARMUP_S} s warm-up + ${MEASURE_S} s measured each; pool of ${POOL_SIZE} frames`,
  );
  let gateway: Gateway | undefined;
  const moreGateways: Gateway[] = [];
  let echo: { child: ChildProcess; port: number } | undefined;
  let lean: { child: ChildProcess; port: number } | undefined;
  let failed = false;
  try {
    const dbUrl = await freshDatabase(DB, false);
    const gw = await startGateway(dbUrl);
    gateway = gw;
    // Start-up work overlaps; none of it is measured.
    const [, pool, pgbenchDb] = await Promise.all([gatewayReady(gw), buildPool(POOL_SIZE), ensurePgbenchDatabase()]);
    for (let g = 1; g < GATEWAYS; g++) {
      const more = await startGateway(dbUrl, g);
      moreGateways.push(more);
      await gatewayReady(more);
    }
    console.log(`pool: ${pool.frames.length} frames in ${pool.buildSeconds.toFixed(1)} s, mean ${pool.meanCounterOnes.toFixed(1)} one-bits per DUKPT counter; pgbench database ${pgbenchDb}`);
    echo = await startEcho();
    if (LEAN_RUN) lean = await startLean(dbUrl);
    for (const l of await probe(gw.posPort, pool)) console.log(`probe: ${l}`);

    const roles = new Map<number, string>([
      [process.pid, 'client'],
      [gw.child.pid!, 'server'],
      ...moreGateways.map((g) => [g.child.pid!, 'server'] as [number, string]),
      [echo.child.pid!, 'echo'],
      ...(lean ? [[lean.child.pid!, 'lean'] as [number, string]] : []),
    ]);
    const idleFrom = snapshot(roles);
    await sleep(2000);
    const idle = cpuBetween(idleFrom, snapshot(roles));
    console.log(`idle check (2 s, bench idle): machine ${idle.machine}% busy of 200, steal ${idle.steal}%; more than a few % is someone else's load`);
    const stats = new pg.Client({ connectionString: ADMIN_URL });
    await stats.connect();
    const commits = async () =>
      (await stats.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1', [DB])).rows.reduce((n, r) => n + Number(r.n), 0);
    const load = (port: number, depth: number, hooks: Partial<LoadOptions> = {}) =>
      runLoad(pool, { port, connections: CONNECTIONS, depth, warmupMs: WARMUP_S * 1000, measureMs: MEASURE_S * 1000, roles, ...(port === gw.posPort ? { commits, morePorts: moreGateways.map((g) => g.posPort) } : {}), ...hooks });

    const pgbenchRuns: PgbenchRun[] = [];
    const echoRuns: LoadRun[] = [];
    const leanRuns: LoadRun[] = [];
    const posRuns: LoadRun[] = [];
    const deepRuns: LoadRun[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const p = await runPgbench(MEASURE_S, roles);
      pgbenchRuns.push(p);
      console.log(`round ${round}: pgbench -S ${fmt(p.perSecond)} tps`);
      const e = await load(echo.port, 1);
      echoRuns.push(e);
      console.log(`round ${round}: echo ${CONNECTIONS}×1 ${fmt(e.perSecond)}/s (p50 ${e.p50Ms} ms, p99 ${e.p99Ms} ms)`);
      const r = await load(gw.posPort, 1);
      posRuns.push(r);
      console.log(`round ${round}: POS ${CONNECTIONS}×1 ${fmt(r.perSecond)}/s (p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms, ${r.commitsPerAnswer ?? '?'} PG commits each) codes ${JSON.stringify(r.codesAll)}`);
      if (lean) {
        const l = await load(lean.port, 1);
        leanRuns.push(l);
        console.log(`round ${round}: lean reference ${CONNECTIONS}×1 ${fmt(l.perSecond)}/s (p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms) codes ${JSON.stringify(l.codesAll)}`);
      }
      if (DEEP > 0) {
        const d = await load(gw.posPort, DEEP);
        deepRuns.push(d);
        console.log(`round ${round}: POS ${CONNECTIONS}×${DEEP} ${fmt(d.perSecond)}/s (p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms, max ${d.maxMs} ms, ${d.commitsPerAnswer ?? '?'} PG commits each) codes ${JSON.stringify(d.codesAll)}`);
      }
    }

    let profile: { run: LoadRun; summary?: ProfileSummary } | undefined;
    if (PROFILE) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      const child = gw.child;
      const written = new Promise<string | undefined>((resolve) => {
        child.on('message', (m: { profile?: string }) => resolve(m.profile));
        setTimeout(() => resolve(undefined), (WARMUP_S + MEASURE_S) * 1000 + 60_000).unref();
      });
      const run = await load(gw.posPort, 1, { onWindowStart: () => child.send('profile:start'), onWindowEnd: () => child.send('profile:stop') });
      console.log(`profiled POS ${CONNECTIONS}×1 window: ${fmt(run.perSecond)}/s (profiler on) codes ${JSON.stringify(run.codesAll)}`);
      const file = await written;
      profile = { run, summary: file ? summariseProfile(file, 30, PROFILE_RULES) : undefined };
      if (!file) console.log(`no profile appeared in ${PROFILE_DIR}; see ${gw.logFile}`);
    }

    const pgbenchMedian = median(pgbenchRuns.map((r) => r.perSecond));
    const echoMedian = median(echoRuns.map((r) => r.perSecond));
    const posMedian = median(posRuns.map((r) => r.perSecond));
    const deepMedian = deepRuns.length ? median(deepRuns.map((r) => r.perSecond)) : undefined;
    const rows: Row[] = [
      { name: 'pgbench -S -M prepared', shape: `${PGBENCH_CLIENTS} × 1`, perSecond: pgbenchRuns.map((r) => r.perSecond), cpu: pgbenchRuns.map((r) => r.cpu), serverGroup: 'pgbench' },
      loadRow('echo (framed TCP)', 1, echoRuns, 'echo'),
      loadRow('POS inquiry (gateway)', 1, posRuns, 'server'),
      ...(leanRuns.length ? [loadRow('lean reference (same work, no framework)', 1, leanRuns, 'lean')] : []),
      ...(deepRuns.length ? [loadRow('POS inquiry (gateway)', DEEP, deepRuns, 'server')] : []),
    ];
    console.log(`\nPOS balance inquiry (PIN, TDES DUKPT) over TCP, PostgreSQL + Redis; medians of ${ROUNDS} interleaved rounds of ${MEASURE_S} s`);
    console.log('CPU: % of one core over the measured window (machine: 200 = both cores). "srv" is the gateway, the echo server, or pgbench itself;');
    console.log('"rest of machine" is everything else that ran (noise: other people\'s tests, kernel threads, softirq), "steal" the hypervisor\'s share.\n');
    printTable(rows, pgbenchMedian);

    const posRatio = posMedian / pgbenchMedian;
    const deepRatio = deepMedian === undefined ? undefined : deepMedian / pgbenchMedian;
    const perRound = posRuns.map((r, i) => ratio3(r.perSecond / pgbenchRuns[i].perSecond));
    const p99 = median(posRuns.map((r) => r.p99Ms));
    const serverUs = median(posRuns.map((r) => ((r.cpu.server ?? 0) * 1e4) / Math.max(1, r.perSecond)));
    const pgUs = median(posRuns.map((r) => (r.cpu.pg * 1e4) / Math.max(1, r.perSecond)));
    const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(`\nratio POS ${CONNECTIONS}×1 / pgbench: ${posRatio.toFixed(3)} (per round ${perRound.join(', ')})`);
    console.log(`  first target ≥ ${TARGET_RATIO.toFixed(2)}: ${mark(posRatio >= TARGET_RATIO)}; goal ≥ ${GOAL_RATIO.toFixed(3)} (0.9 × lean ${LEAN.ceiling}): ${mark(posRatio >= GOAL_RATIO)}`);
    console.log(`  = ${(posRatio / LEAN.ceiling).toFixed(2)} of the lean ceiling ${LEAN.ceiling} (lean 64×1: ${LEAN.oneInFlight}, best 64×4: ${LEAN.best})`);
    console.log(`  p99 ${p99.toFixed(2)} ms at ${CONNECTIONS}×1 (target ≤ ${P99_TARGET_MS} ms): ${mark(p99 <= P99_TARGET_MS)}`);
    // A tail is only as quiet as the machine: the bare echo's p99 of the same rounds says how quiet it was.
    const echoP99s = echoRuns.map((r) => r.p99Ms);
    const noisy = echoP99s.some((ms) => ms > QUIET_ECHO_P99_MS);
    console.log(`  echo p99 in the same rounds: ${echoP99s.join(', ')} ms${noisy ? ` — above ${QUIET_ECHO_P99_MS} ms: the machine was not quiet, read the p99 with that` : ' (a quiet machine)'}`);
    if (deepRatio !== undefined) console.log(`ratio POS ${CONNECTIONS}×${DEEP} / pgbench: ${deepRatio.toFixed(3)} (${(deepRatio / LEAN.ceiling).toFixed(2)} of the lean ceiling)`);
    console.log(`ratio POS ${CONNECTIONS}×1 / echo: ${(posMedian / echoMedian).toFixed(3)}`);
    const leanMedian = leanRuns.length ? median(leanRuns.map((r) => r.perSecond)) : undefined;
    const toLean = leanMedian === undefined ? undefined : posMedian / leanMedian;
    const toLeanPerRound = leanRuns.map((r, i) => ratio3(posRuns[i].perSecond / r.perSecond));
    if (leanMedian !== undefined && toLean !== undefined) {
      const leanUs = median(leanRuns.map((r) => ((r.cpu.lean ?? 0) * 1e4) / Math.max(1, r.perSecond)));
      console.log(
        `lean reference, same run: ${fmt(leanMedian)}/s = ${(leanMedian / pgbenchMedian).toFixed(3)} of pgbench (the note measured 0.167 at 64×1 on its day), ≈ ${Math.round(leanUs)} µs per inquiry`,
      );
      console.log(`  gateway / lean reference: ${toLean.toFixed(3)} (per round ${toLeanPerRound.join(', ')}); the goal's "≥ 0.9 of the lean server", same run: ${mark(toLean >= 0.9)}`);
    }
    const leanCpu = leanRuns.length
      ? `lean reference, same run: ≈ ${Math.round(median(leanRuns.map((r) => ((r.cpu.lean ?? 0) * 1e4) / Math.max(1, r.perSecond))))} µs / ≈ ${Math.round(median(leanRuns.map((r) => (r.cpu.pg * 1e4) / Math.max(1, r.perSecond))))} µs`
      : 'the note\'s lean server: ≈ 80 µs / ≈ 60 µs';
    console.log(`CPU per inquiry at ${CONNECTIONS}×1: gateway ≈ ${Math.round(serverUs)} µs, PostgreSQL ≈ ${Math.round(pgUs)} µs (${leanCpu})`);
    const commitsEach = median(posRuns.map((r) => r.commitsPerAnswer ?? 0));
    console.log(
      `PostgreSQL commits per inquiry at ${CONNECTIONS}×1: ${commitsEach.toFixed(2)} (card lookups and audit rows both go in batches: ≈ ${commitsEach > 0 ? (2 / commitsEach).toFixed(0) : '∞'} statements' worth of work per commit)`,
    );

    const answered = [...posRuns, ...deepRuns, ...(profile ? [profile.run] : [])];
    const bad: Record<string, number> = {};
    for (const r of answered) for (const [code, n] of Object.entries(r.codesAll)) if (code !== '00') bad[code] = (bad[code] ?? 0) + n;
    const echoBad = echoRuns.reduce((n, r) => n + Object.entries(r.codesAll).reduce((m, [code, k]) => m + (code === 'echo' ? 0 : k), 0), 0);
    const totalAnswers = answered.reduce((n, r) => n + Object.values(r.codesAll).reduce((a, b) => a + b, 0), 0) + CARDS.length;
    const audit = await auditRows(dbUrl);
    const rss = peakRssMb(gw.child.pid);
    await stats.end();
    console.log(`answers other than 00: ${Object.keys(bad).length ? JSON.stringify(bad) : 'none'}; echo mismatches: ${echoBad}`);
    console.log(`POS audit rows: ${fmt(audit)} for ${fmt(totalAnswers)} answers sent (warm-up and probe included); gateway peak RSS ${rss ?? '?'} MB`);
    if (profile?.summary) printProfileSummary(profile.summary);
    failed = Object.keys(bad).length > 0 || echoBad > 0;

    const report = {
      when: new Date().toISOString(),
      config: { rounds: ROUNDS, warmupSeconds: WARMUP_S, measureSeconds: MEASURE_S, connections: CONNECTIONS, deepInFlight: DEEP, pool: POOL_SIZE, pgbenchClients: PGBENCH_CLIENTS, pgbenchScale: PGBENCH_SCALE },
      idleCheck: idle,
      pool: { frames: pool.frames.length, meanCounterOnes: round2(pool.meanCounterOnes), buildSeconds: round1(pool.buildSeconds) },
      pgbench: pgbenchRuns,
      echo: echoRuns,
      lean: leanRuns,
      pos: posRuns,
      posDeep: deepRuns,
      medians: { pgbench: pgbenchMedian, echo: echoMedian, pos: posMedian, posDeep: deepMedian, posP50Ms: median(posRuns.map((r) => r.p50Ms)), posP99Ms: p99 },
      ratios: {
        posToPgbench: ratio3(posRatio),
        posToPgbenchPerRound: perRound,
        posDeepToPgbench: deepRatio === undefined ? undefined : ratio3(deepRatio),
        posToEcho: ratio3(posMedian / echoMedian),
        posToLeanSameRun: toLean === undefined ? undefined : ratio3(toLean),
        posToLeanSameRunPerRound: toLeanPerRound,
        posToLeanCeiling: ratio3(posRatio / LEAN.ceiling),
      },
      targets: { firstTarget: TARGET_RATIO, goal: ratio3(GOAL_RATIO), lean: LEAN, p99TargetMs: P99_TARGET_MS, firstTargetMet: posRatio >= TARGET_RATIO, goalMet: posRatio >= GOAL_RATIO, p99Met: p99 <= P99_TARGET_MS },
      cpuPerInquiryUs: { gateway: Math.round(serverUs), postgres: Math.round(pgUs) },
      pgCommitsPerInquiry: commitsEach,
      nonApproved: bad,
      auditRows: audit,
      answers: totalAnswers,
      gatewayPeakRssMb: rss,
      profile,
      wallSeconds: round1((performance.now() - started) / 1000),
    };
    writeFileSync(join(RESULTS, 'pos-inquiry.json'), JSON.stringify(report, null, 2));
    console.log(`\nwrote bench/results/pos-inquiry.json (${report.wallSeconds} s in all)`);
  } finally {
    await stop(echo?.child);
    await stop(lean?.child);
    await stop(gateway?.child);
    for (const g of moreGateways) await stop(g.child);
    await dropRedisKeys(`${REDIS_PREFIX}:*`).catch((err: unknown) => console.error(`could not remove the bench's Redis keys ${REDIS_PREFIX}:*:`, err));
  }
  if (failed) {
    console.error('POS bench: some answers were not 00 (see above)');
    process.exitCode = 1;
  }
}

function loadRow(name: string, depth: number, runs: LoadRun[], serverGroup: 'server' | 'echo' | 'lean'): Row {
  return {
    name,
    shape: `${CONNECTIONS} × ${depth}`,
    perSecond: runs.map((r) => r.perSecond),
    p50: runs.map((r) => r.p50Ms),
    p99: runs.map((r) => r.p99Ms),
    max: runs.map((r) => r.maxMs),
    cpu: runs.map((r) => r.cpu),
    serverGroup,
  };
}

if (!existsSync(join(DIST, 'apps/api/src/main.js'))) {
  console.error('build first: npm run build');
  process.exit(1);
}

main().catch((err: unknown) => {
  console.error('POS bench failed:', err);
  process.exit(1);
});
