import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type Figures, auditRows, figuresOf, freshDatabase, median, startProcess, waitReady } from './bench-support.js';

/**
 * `npm run bench`: REST balance-inquiry throughput and latency of the gateway (PostgreSQL + Redis,
 * production mode, request logging on) against a bare NestJS+Fastify endpoint, measured in the
 * same run with the same load (autocannon, CONNECTIONS closed-loop connections), alternating
 * rounds. Prints the ratio and the gateway's peak RSS; writes bench/results/rest-inquiry.json.
 */

const CONNECTIONS = 64;
const WARMUP_S = 3;
const MEASURE_S = 10;
const ROUNDS = 2;
const DB = 'saldo_bench';
const REDIS_URL = 'redis://127.0.0.1:6379';
const GATEWAY_PORT = 3902;
const BARE_PORT = 3901;
const CARDS = ['4761739001010010', '6217000000000014', '6217000000000022'];

async function main(): Promise<void> {
  const dist = join(import.meta.dirname, '..');
  const dbUrl = await freshDatabase(DB);
  const bare = await startProcess(join(dist, 'bench/bare-server.js'), [String(BARE_PORT)], {}, true);
  const gateway = await startProcess(join(dist, 'apps/api/src/main.js'), [], {
    DEMO_MODE: 'true',
    PORT: String(GATEWAY_PORT),
    DATABASE_URL: dbUrl,
    DATABASE_POOL_SIZE: '16',
    REDIS_URL,
    REDIS_PREFIX: `saldo-bench-${process.pid}`,
    LOG_FILE: '/dev/null',
    RATE_CARD_PER_MINUTE: '100000000',
    RATE_PARTNER_PER_SECOND: '100000000',
  });
  try {
    await waitReady(`http://127.0.0.1:${GATEWAY_PORT}/health/ready`);
    const token = await tokenFor(`http://127.0.0.1:${GATEWAY_PORT}`);
    const results: { bare: Figures[]; gateway: Figures[] } = { bare: [], gateway: [] };
    for (let round = 0; round < ROUNDS; round++) {
      results.bare.push(await load(BARE_PORT, undefined));
      results.gateway.push(await load(GATEWAY_PORT, token));
    }
    const bareRps = median(results.bare.map((r) => r.rps));
    const gwRps = median(results.gateway.map((r) => r.rps));
    const peakRssMb = peakRss(gateway.pid!);
    const audit = await auditRows(dbUrl);
    const report = {
      when: new Date().toISOString(),
      connections: CONNECTIONS,
      seconds: MEASURE_S,
      rounds: ROUNDS,
      bare: results.bare,
      gateway: results.gateway,
      ratio: Number((gwRps / bareRps).toFixed(3)),
      gatewayPeakRssMb: peakRssMb,
      auditRowsWritten: audit,
    };
    const line = (name: string, rs: Figures[]) =>
      `${name.padEnd(8)} ${rs.map((r) => `${Math.round(r.rps)} req/s (p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors})`).join(' | ')}`;
    console.log(`\nREST balance inquiry, ${CONNECTIONS} connections, ${MEASURE_S} s per round, ${ROUNDS} rounds alternating`);
    console.log(line('bare', results.bare));
    console.log(line('gateway', results.gateway));
    console.log(`ratio gateway/bare (medians): ${report.ratio}   target >= 0.35`);
    console.log(`gateway peak RSS: ${peakRssMb} MB   target <= 300 MB`);
    console.log(`audit rows written: ${audit}`);
    mkdirSync(join(import.meta.dirname, '../../bench/results'), { recursive: true });
    writeFileSync(join(import.meta.dirname, '../../bench/results/rest-inquiry.json'), JSON.stringify(report, null, 2));
  } finally {
    bare.kill('SIGTERM');
    gateway.kill('SIGTERM');
  }
}

async function load(port: number, token: string | undefined): Promise<Figures> {
  let i = 0;
  const opts = {
    url: `http://127.0.0.1:${port}/v1/balance-inquiries`,
    connections: CONNECTIONS,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ pan: CARDS[i++ % CARDS.length] }) }) }],
  };
  await autocannon({ ...opts, duration: WARMUP_S });
  const r = await autocannon({ ...opts, duration: MEASURE_S });
  return figuresOf(r);
}

async function tokenFor(base: string): Promise<string> {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('wallet-app:wallet-app-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** VmHWM: the process's peak resident set size. */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

main().catch((err: unknown) => {
  console.error('bench failed:', err);
  process.exit(1);
});
