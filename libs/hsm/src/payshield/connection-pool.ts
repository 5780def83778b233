import { CryptoError } from '../crypto.port.js';
import { HostConnection, Exchange, type HsmLogger } from './connection.js';
import type { RequestMatching } from './correlation.js';
import type { Framing } from './framing.js';

export interface ConnectionPoolOptions {
  readonly host: string;
  readonly port: number;
  /** Connections kept open. */
  readonly size: number;
  readonly framing: Framing;
  /** One matcher per connection (each numbers its own requests). */
  readonly matching: () => RequestMatching;
  readonly logger: HsmLogger;
  /** Per command, from submission (queueing included) to reply. */
  readonly timeoutMs: number;
  readonly connectTimeoutMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Requests waiting for a connection beyond this many are refused (UNAVAILABLE). Default 10,000. */
  readonly maxQueued?: number;
  readonly maxLateReplies?: number;
}

export interface PoolStatus {
  readonly size: number;
  readonly connected: number;
  readonly inFlight: number;
  readonly queued: number;
}

/**
 * N HostConnections to one HSM. Each request goes to the usable connection with the fewest requests
 * in flight (round robin among equals), or waits in a queue while connections are being opened or
 * are full. Every request has one deadline covering queueing and flight: past it, it fails with
 * TIMEOUT (and its late reply is dropped by its connection). When no connection is up or coming
 * up (all are between reconnect attempts), requests fail at once with UNAVAILABLE rather than wait:
 * a query should not hang on an HSM that is down.
 */
export class ConnectionPool {
  readonly #options: ConnectionPoolOptions;
  readonly #connections: HostConnection[];
  readonly #queue = new Set<Exchange>();
  #next = 0;
  #started = false;
  #closed = false;
  #connectedWaiters: (() => void)[] = [];

  constructor(options: ConnectionPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError('the pool needs at least one connection');
    this.#options = options;
    const matchingSample = options.matching();
    this.#connections = Array.from(
      { length: options.size },
      (_, i) =>
        new HostConnection({
          host: options.host,
          port: options.port,
          framing: options.framing,
          matching: i === 0 ? matchingSample : options.matching(),
          logger: options.logger,
          name: `HSM ${options.host}:${options.port} #${i + 1}`,
          connectTimeoutMs: options.connectTimeoutMs ?? Math.max(1_000, options.timeoutMs),
          backoff: options.backoff ?? { initialMs: 100, maxMs: 5_000 },
          maxLateReplies:
            options.maxLateReplies ?? Math.max(1, Math.min(100, Math.floor(matchingSample.capacity / 4))),
          onChange: () => this.#changed(),
        }),
    );
  }

  /** Opens the connections (requests do it too). */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    for (const connection of this.#connections) connection.start();
  }

  /** Sends one request body; resolves with the reply body (after the header). */
  request(label: string, body: string, timeoutMs = this.#options.timeoutMs): Promise<string> {
    if (!this.#started) this.start();
    return new Promise<string>((resolve, reject) => {
      const exchange = new Exchange(label, body, resolve, reject);
      if (this.#closed) {
        exchange.fail(new CryptoError('UNAVAILABLE', `${label}: the HSM driver is closed`));
        return;
      }
      exchange.timer = setTimeout(() => this.#expire(exchange, timeoutMs), timeoutMs);
      this.#dispatch(exchange);
    });
  }

  status(): PoolStatus {
    let connected = 0;
    let inFlight = 0;
    for (const connection of this.#connections) {
      if (connection.state === 'connected' || connection.state === 'draining') connected++;
      inFlight += connection.load;
    }
    return { size: this.#connections.length, connected, inFlight, queued: this.#queue.size };
  }

  /** Resolves once at least one connection is up; rejects with UNAVAILABLE after `timeoutMs`. */
  whenConnected(timeoutMs: number): Promise<void> {
    this.start();
    if (this.status().connected > 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#connectedWaiters = this.#connectedWaiters.filter((w) => w !== done);
        reject(new CryptoError('UNAVAILABLE', `no connection to the HSM at ${this.#options.host}:${this.#options.port}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#connectedWaiters.push(done);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const connection of this.#connections) connection.close();
    this.#failQueued('the HSM driver was closed');
  }

  #dispatch(exchange: Exchange): void {
    const connection = this.#pick();
    if (connection) {
      connection.send(exchange);
      return;
    }
    if (!this.#connections.some((c) => c.hopeful)) {
      exchange.fail(new CryptoError('UNAVAILABLE', `${exchange.label}: no connection to the HSM`));
      return;
    }
    if (this.#queue.size >= (this.#options.maxQueued ?? 10_000)) {
      exchange.fail(new CryptoError('UNAVAILABLE', `${exchange.label}: too many requests waiting for the HSM`));
      return;
    }
    this.#queue.add(exchange);
  }

  #pick(): HostConnection | undefined {
    const count = this.#connections.length;
    let best: HostConnection | undefined;
    for (let i = 0; i < count; i++) {
      const connection = this.#connections[(this.#next + i) % count];
      if (connection.usable && (best === undefined || connection.load < best.load)) best = connection;
    }
    this.#next = (this.#next + 1) % count;
    return best;
  }

  #expire(exchange: Exchange, timeoutMs: number): void {
    if (exchange.settled) return;
    this.#queue.delete(exchange);
    exchange.connection?.abandon(exchange);
    exchange.fail(new CryptoError('TIMEOUT', `${exchange.label}: the HSM did not answer within ${timeoutMs} ms`));
  }

  #changed(): void {
    if (this.#connectedWaiters.length > 0 && this.status().connected > 0) {
      const waiters = this.#connectedWaiters;
      this.#connectedWaiters = [];
      for (const waiter of waiters) waiter();
    }
    for (const exchange of this.#queue) {
      const connection = this.#pick();
      if (!connection) break;
      this.#queue.delete(exchange);
      if (!exchange.settled) connection.send(exchange);
    }
    if (this.#queue.size > 0 && !this.#connections.some((c) => c.hopeful)) this.#failQueued('no connection to the HSM');
  }

  #failQueued(why: string): void {
    const queued = [...this.#queue];
    this.#queue.clear();
    for (const exchange of queued) exchange.fail(new CryptoError('UNAVAILABLE', `${exchange.label}: ${why}`));
  }
}
