import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import pg from 'pg';
import { deployMigrations } from '#db';

/** What the benches share: a fresh database, child processes, readiness, medians. */

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
/**
 * The node flags `npm run start:api` runs the gateway with, read from package.json so that every
 * bench measures the process production runs (docs/performance.md, "Runtime flags", says why).
 */
export const START_API_NODE_FLAGS = startApiNodeFlags();

function startApiNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: Partial<Record<string, string>> };
  const script = pkg.scripts['start:api'];
  if (!script) throw new Error('package.json has no start:api script to take the node flags from');
  return script.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Drops and recreates `name` on the local PostgreSQL; migrates it unless `migrate` is false. */
export async function freshDatabase(name: string, migrate = true): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = `postgresql://postgres@127.0.0.1:5432/${name}`;
  if (migrate) await deployMigrations(url);
  return url;
}

/**
 * Forks a built script with only PATH and `env`. Resolves at once, or, when `waitForMessage`, on
 * the child's first IPC message (the bare server says when it listens).
 */
export function startProcess(script: string, args: string[], env: Record<string, string>, waitForMessage = false): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, { env: { PATH: process.env.PATH, ...env }, execArgv: START_API_NODE_FLAGS, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.once('message', () => resolve(child));
    if (!waitForMessage) resolve(child);
  });
}

export async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready`);
}

/** Audit rows written by the gateway (the POS bench's lean reference server marks its own with issuer code "lean"). */
export async function auditRows(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE issuer_code IS DISTINCT FROM 'lean'");
    return Number(rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** What an autocannon round is reported as. */
export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export function figuresOf(r: autocannon.Result): Figures {
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}
