import { connect, type Socket } from 'node:net';
import { PosListener } from '../../apps/api/src/pos/pos-listener.js';
import { PosClient, type PosClientOptions } from '../../apps/pos-simulator/src/pos-client.js';
import { SimulatedTerminal } from '../../apps/pos-simulator/src/simulated-terminal.js';
import { demoTerminalProfile } from '../../apps/pos-simulator/src/terminal-profile.js';
import { FRESH_COUNTERS, type TerminalCounters, type TerminalStateStore } from '../../apps/pos-simulator/src/terminal-state.js';
import type { TestApp } from './test-app.js';

/** Counters in memory: each test file's terminals start fresh. */
export class MemoryTerminalState implements TerminalStateStore {
  private readonly counters = new Map<string, TerminalCounters>();

  async update(tid: string, advance: (current: TerminalCounters) => TerminalCounters): Promise<TerminalCounters> {
    const next = advance(this.counters.get(tid) ?? FRESH_COUNTERS);
    this.counters.set(tid, next);
    return Promise.resolve(next);
  }
}

export function posPort(t: TestApp): number {
  const address = t.app.get(PosListener).address();
  if (!address) throw new Error('the POS listener is not bound');
  return address.port;
}

export function connectPos(t: TestApp, options: Partial<PosClientOptions> = {}): Promise<PosClient> {
  return PosClient.connect({ host: '127.0.0.1', port: posPort(t), ...options });
}

/** A demo terminal (SALDO001-003) with the published demo keys in its PIN pad. */
export function demoTerminal(tid: string, state: TerminalStateStore = new MemoryTerminalState()): SimulatedTerminal {
  const profile = demoTerminalProfile(tid);
  if (!profile) throw new Error(`no demo terminal ${tid}`);
  return new SimulatedTerminal(profile, state);
}

/** Field 54 as { accountType, amountType, currency, sign, minor } entries. */
export function amounts(field54: string | undefined): Array<{ account: string; amount: string; currency: string; minor: bigint }> {
  const entries = [];
  for (let i = 0; field54 && i < field54.length; i += 20) {
    const e = field54.slice(i, i + 20);
    entries.push({
      account: e.slice(0, 2),
      amount: e.slice(2, 4),
      currency: e.slice(4, 7),
      minor: (e[7] === 'D' ? -1n : 1n) * BigInt(e.slice(8)),
    });
  }
  return entries;
}

/** A plain socket for bytes no terminal should send; `frames()` collects what comes back. */
export async function rawPos(t: TestApp): Promise<{ socket: Socket; received: Buffer[]; closed: Promise<void> }> {
  const socket = connect(posPort(t), '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received, closed };
}
