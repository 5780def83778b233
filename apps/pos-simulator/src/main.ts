#!/usr/bin/env node
/**
 * `saldo-pos` (npm run pos --): a POS terminal for Saldo's ISO 8583 listener. One inquiry or
 * network message per run, or a load test; counters persist in the state file like a terminal's
 * non-volatile memory. Prints masked card numbers only, never a PIN, PIN block or key.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, configFromEnvironment } from '#config';
import { performance } from 'node:perf_hooks';
import { MESSAGE_SPECS_BY_NAME } from '../../../libs/channels/src/pos/iso8583/index.js';
import { POS_FRAMINGS_BY_NAME } from '../../../libs/channels/src/pos/pos-framing.js';
import { DEMO_CARDS } from '../../../prisma/seed/demo-data.js';
import { parseCli, USAGE, UsageError, type CliCommand, type ConnectionOptions, type ListenerDefaults } from './cli-options.js';
import { KsnExhaustedError } from './ksn.js';
import { runLoad, type LoadCard, type LoadResult } from './load-test.js';
import { PosClient, PosClientError, type PosClientOptions } from './pos-client.js';
import { summariseResponse, describeResponse } from './response-summary.js';
import { SimulatedTerminal, TerminalInputError } from './simulated-terminal.js';
import { DEMO_TERMINAL_IDS, demoTerminalProfile } from './terminal-profile.js';
import { TerminalStateFile } from './terminal-state.js';

type Command = Exclude<CliCommand, { kind: 'help' }>;

/** The simulator's output is its product (stdout, for people and `--json` pipes), not a log line. */
const out = (text: string): void => void process.stdout.write(`${text}\n`);

/** The gateway's main listener as this shell's settings describe it; a setting the gateway would refuse is not the simulator's concern. */
function serverListener(): ListenerDefaults {
  try {
    const { port, profile, framing } = configFromEnvironment().pos;
    return { port: String(port), profile, framing };
  } catch (err) {
    if (err instanceof ConfigError) return {};
    throw err;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv, serverListener());
  if (command.kind === 'help') {
    out(USAGE);
    return 0;
  }
  const profile = demoTerminalProfile(command.terminal);
  if (!profile) throw new UsageError(`--terminal must be a demo terminal: ${DEMO_TERMINAL_IDS.join(', ')}`);
  const clientOptions = await posClientOptions(command.connection);
  const connect = (): Promise<PosClient> => PosClient.connect(clientOptions);
  const terminal = new SimulatedTerminal(profile, new TerminalStateFile(command.statePath), { spec: MESSAGE_SPECS_BY_NAME[command.connection.profile] });

  if (command.kind === 'load') {
    const cards = command.card ? [command.card] : activeDemoCards();
    const result = await runLoad({ connect, terminal, requests: command.requests, concurrency: command.concurrency, cards, account: command.account, timeoutMs: command.connection.timeoutMs });
    out(command.json ? JSON.stringify({ terminal: profile.tid, ...result }) : describeLoad(command, result));
    return Object.keys(result.codes).every((code) => code === '00') ? 0 : 1;
  }

  const request = command.kind === 'inquiry' ? await terminal.balanceInquiry(command.inquiry) : await terminal.networkManagement(command.action);
  const client = await connect();
  const sent = performance.now();
  try {
    const response = await client.request(request, { timeoutMs: command.connection.timeoutMs });
    const ms = performance.now() - sent;
    const mac = terminal.verifyResponseMac(response);
    const summary = summariseResponse(response, request);
    if (command.json) {
      const ksn = request.fields.get(53);
      out(JSON.stringify({ terminal: profile.tid, request: { mti: request.mti, stan: request.fields.get(11), ...(ksn ? { ksn } : {}) }, response: summary, mac, ms: Math.round(ms * 10) / 10 }));
    } else {
      out(`${profile.tid} → ${command.connection.host}:${command.connection.port}  ${requestLine(request.mti, request.fields)}`);
      out(describeResponse(response, request));
      if (mac !== 'NO_MAC_KEY') out(`MAC       ${mac.toLowerCase()}`);
      out(`time      ${ms.toFixed(1)} ms`);
    }
    return summary.approved && mac !== 'MISMATCH' && mac !== 'MISSING' ? 0 : 1;
  } finally {
    await client.close();
  }
}

async function posClientOptions(c: ConnectionOptions): Promise<PosClientOptions> {
  const wire = { spec: MESSAGE_SPECS_BY_NAME[c.profile], framing: POS_FRAMINGS_BY_NAME[c.framing] };
  if (!c.tls) return { host: c.host, port: c.port, connectTimeoutMs: c.timeoutMs, ...wire };
  const ca = c.caFile === undefined ? undefined : await readFile(c.caFile);
  return { host: c.host, port: c.port, connectTimeoutMs: c.timeoutMs, tls: ca ? { ca } : {}, ...wire };
}

/** The demo cards a load test can expect approved: active, unexpired, with a PIN. */
function activeDemoCards(): LoadCard[] {
  const now = new Date();
  const yymm = `${String(now.getUTCFullYear() % 100).padStart(2, '0')}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  return DEMO_CARDS.filter((c) => c.status === 'ACTIVE' && c.expiry >= yymm).map((c) => ({ pan: c.pan, pin: c.pin }));
}

function requestLine(mti: string, fields: ReadonlyMap<number, string>): string {
  const ksn = fields.get(53);
  return `${mti} STAN ${fields.get(11) ?? '------'}${ksn ? ` KSN ${ksn}` : ''}`;
}

function describeLoad(command: Extract<Command, { kind: 'load' }>, r: LoadResult): string {
  const codes = Object.entries(r.codes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code} ×${n}`)
    .join('  ');
  return [
    `${r.count} inquiries from ${command.terminal}, ${command.concurrency} in flight over ${r.connections} connection${r.connections === 1 ? '' : 's'}`,
    `throughput  ${Math.round(r.perSecond).toLocaleString('en-US')} req/s (${r.seconds.toFixed(2)} s)`,
    `latency     p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  max ${r.maxMs.toFixed(2)} ms`,
    `codes       ${codes}`,
  ].join('\n');
}

/** Exit status 2 for what the user can fix in the flags, 1 for everything else. */
function report(error: unknown): number {
  if (error instanceof UsageError || error instanceof TerminalInputError) {
    console.error(`saldo-pos: ${error.message}\ntry saldo-pos --help`);
    return 2;
  }
  if (error instanceof PosClientError || error instanceof KsnExhaustedError) console.error(`saldo-pos: ${error.message}`);
  // Crypto and codec errors never carry card data, PINs or keys (CryptoError, Iso8583Error).
  else console.error('saldo-pos:', error instanceof Error ? `${error.name}: ${error.message}` : 'failed');
  return 1;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);
