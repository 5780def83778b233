import { performance } from 'node:perf_hooks';
import { PosClientError, type PosClient } from './pos-client.js';
import type { AccountChoice, SimulatedTerminal } from './simulated-terminal.js';

export interface LoadCard {
  readonly pan: string;
  readonly pin?: string;
}

export interface LoadOptions {
  /** Opens one connection; called min(concurrency, maxConnections) times. */
  readonly connect: () => Promise<PosClient>;
  readonly terminal: SimulatedTerminal;
  readonly requests: number;
  /** Requests in flight at any moment (closed loop: the next leaves when one is answered). */
  readonly concurrency: number;
  /** Used in turn. */
  readonly cards: readonly LoadCard[];
  readonly account?: AccountChoice;
  /** Default 64. */
  readonly maxConnections?: number;
  readonly timeoutMs?: number;
}

export interface LoadResult {
  readonly count: number;
  readonly connections: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Field 39 of each answer, or the PosClientError code (TIMEOUT, CLOSED) of a request that got none. */
  readonly codes: Record<string, number>;
}

const DEFAULT_MAX_CONNECTIONS = 64;

/**
 * Sends `requests` balance inquiries from one terminal, `concurrency` in flight, spread round-robin
 * over min(concurrency, maxConnections) connections. Counters are reserved in one block first, so
 * the state file is written once. Latency runs from the write to the answer (building and
 * encrypting the request is not in it); throughput is answers over the whole run's wall time.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { terminal, requests, cards } = options;
  if (!Number.isSafeInteger(requests) || requests < 1) throw new RangeError('requests must be a positive integer');
  if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  if (cards.length === 0) throw new RangeError('a load test needs at least one card');
  const concurrency = Math.min(options.concurrency, requests);
  const connectionCount = Math.min(concurrency, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);

  await terminal.reserve(requests);
  const clients = await Promise.all(Array.from({ length: connectionCount }, () => options.connect()));
  const latencies = new Float64Array(requests);
  const codes: Record<string, number> = {};
  let issued = 0;
  let answered = 0;

  const worker = async (client: PosClient): Promise<void> => {
    while (issued < requests) {
      const card = cards[issued++ % cards.length];
      let message;
      try {
        message = await terminal.balanceInquiry({ pan: card.pan, pin: card.pin, account: options.account });
      } catch (error) {
        issued = requests; // a request that cannot be built (bad card, counters exhausted) stops every worker
        throw error;
      }
      const sent = performance.now();
      const code = await client.request(message, { timeoutMs: options.timeoutMs }).then(
        (answer) => answer.fields.get(39) ?? 'none',
        (error: unknown) => (error instanceof PosClientError ? error.code : 'ERROR'),
      );
      latencies[answered++] = performance.now() - sent;
      codes[code] = (codes[code] ?? 0) + 1;
    }
  };

  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(clients[i % connectionCount])));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, answered).sort();
  return {
    count: answered,
    connections: connectionCount,
    seconds,
    perSecond: answered / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : 0,
    codes,
  };
}

/** Nearest rank on sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
