import { connect, type Socket } from 'node:net';
import { CryptoError } from '../crypto.port.js';
import type { RequestMatching } from './correlation.js';
import type { FrameDecoder, Framing } from './framing.js';

/** What the HSM connections log through (Nest's Logger fits). Lines never hold a message body. */
export interface HsmLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

/**
 * One request from submission to its single outcome: a reply body, or a CryptoError. Whatever
 * happens (reply, timeout, connection loss, shutdown, a late duplicate), it settles exactly once.
 */
export class Exchange {
  settled = false;
  timer: NodeJS.Timeout | undefined;
  /** Set while the request is on a connection. */
  connection: HostConnection | undefined;
  id: string | undefined;

  constructor(
    /** The command code, for messages and logs. */
    readonly label: string,
    readonly body: string,
    private readonly onReply: (body: string) => void,
    private readonly onError: (error: CryptoError) => void,
  ) {}

  reply(body: string): boolean {
    if (!this.#settle()) return false;
    this.onReply(body);
    return true;
  }

  fail(error: CryptoError): boolean {
    if (!this.#settle()) return false;
    this.onError(error);
    return true;
  }

  #settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return true;
  }
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'draining' | 'waiting' | 'closed';

export interface HostConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly framing: Framing;
  readonly matching: RequestMatching;
  readonly logger: HsmLogger;
  /** For log lines, e.g. "hsm 127.0.0.1:1500 #1". */
  readonly name: string;
  readonly connectTimeoutMs: number;
  /** Reconnect delays: initialMs, doubling per failed attempt up to maxMs (±20 % jitter). */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /**
   * Timed-out requests whose reply may still arrive keep their ids reserved; once this many pile
   * up, the connection takes no new requests, and is replaced when its pending ones are done (a new
   * TCP connection cannot receive an old reply).
   */
  readonly maxLateReplies: number;
  /** Capacity freed or state changed: the pool re-dispatches its queue. */
  readonly onChange: () => void;
}

/**
 * One TCP connection to the HSM with many requests in flight, matched to their replies by the
 * injected RequestMatching (the payShield header) and cut from the stream by the injected Framing.
 *
 * - A reply whose id matches nothing pending is dropped and logged (id and size only).
 * - abandon() (the pool's timeout) forgets a request but keeps its id reserved, so its late reply is
 *   recognised and dropped instead of being taken for another request's.
 * - When the socket closes, every pending request fails with UNAVAILABLE; the connection then
 *   reconnects with exponential back-off until close().
 */
export class HostConnection {
  readonly #options: HostConnectionOptions;
  readonly #pending = new Map<string, Exchange>();
  readonly #late = new Set<string>();
  #state: ConnectionState = 'idle';
  #socket: Socket | undefined;
  #decoder: FrameDecoder | undefined;
  #attempts = 0;
  #retry: NodeJS.Timeout | undefined;
  #corked = false;
  #everConnected = false;

  constructor(options: HostConnectionOptions) {
    this.#options = options;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Requests in flight on this connection. */
  get load(): number {
    return this.#pending.size;
  }

  /** Connected, not draining, and with an id free for one more request. */
  get usable(): boolean {
    return this.#state === 'connected' && this.#pending.size + this.#late.size < this.#options.matching.capacity;
  }

  /** Connected or about to be: worth queueing for. */
  get hopeful(): boolean {
    return this.#state === 'connecting' || this.#state === 'connected' || this.#state === 'draining' || this.#state === 'idle';
  }

  start(): void {
    if (this.#state === 'idle') this.#connect();
  }

  /** Puts a request on the wire. Only call when `usable`. */
  send(exchange: Exchange): void {
    const socket = this.#socket;
    const id = this.#options.matching.nextId((candidate) => this.#pending.has(candidate) || this.#late.has(candidate));
    if (!socket || this.#state !== 'connected' || id === undefined) {
      exchange.fail(new CryptoError('UNAVAILABLE', `${exchange.label}: no capacity on the HSM connection`));
      return;
    }
    exchange.connection = this;
    exchange.id = id;
    this.#pending.set(id, exchange);
    const bytes = this.#options.framing.frame(this.#options.matching.stamp(id, exchange.body));
    // Coalesce the writes of one tick into one system call.
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        socket.uncork();
      });
    }
    socket.write(bytes);
  }

  /** The pool gave up on this request (timeout): forget it, keep its id until its reply or a reset. */
  abandon(exchange: Exchange): void {
    const id = exchange.id;
    if (id === undefined || this.#pending.get(id) !== exchange) return;
    this.#pending.delete(id);
    this.#late.add(id);
    if (this.#late.size >= this.#options.maxLateReplies && this.#state === 'connected') {
      this.#options.logger.warn(
        `${this.#options.name}: ${this.#late.size} replies overdue; replacing the connection once its requests are done`,
      );
      this.#state = 'draining';
    }
    // Also when already draining: its last pending request may end by timing out, not by a reply.
    this.#recycleIfDrained();
  }

  /** Stops for good: fails what is pending, no reconnect. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#failPending('the HSM driver was closed');
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #connect(): void {
    this.#state = 'connecting';
    const { host, port, connectTimeoutMs } = this.#options;
    const socket = connect({ host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 30_000 });
    this.#socket = socket;
    this.#decoder = this.#options.framing.decoder();
    socket.setTimeout(connectTimeoutMs, () => {
      if (this.#socket === socket && this.#state === 'connecting') socket.destroy(new Error('connect timeout'));
    });
    socket.once('connect', () => {
      if (this.#socket !== socket) return;
      socket.setTimeout(0);
      this.#state = 'connected';
      this.#attempts = 0;
      this.#options.logger.log(`${this.#options.name}: connected${this.#everConnected ? ' again' : ''}`);
      this.#everConnected = true;
      this.#options.onChange();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket !== socket) return;
      for (const message of this.#decoder!.push(chunk)) this.#receive(message);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#socket !== socket) return;
      const what = error.code ?? error.message;
      if (this.#state === 'connecting' && this.#attempts > 0) this.#options.logger.debug(`${this.#options.name}: ${what}`);
      else this.#options.logger.warn(`${this.#options.name}: ${what}`);
    });
    socket.once('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#decoder = undefined;
      this.#lost();
    });
  }

  #receive(message: Buffer): void {
    const read = this.#options.matching.read(message);
    if (!read) {
      this.#options.logger.warn(`${this.#options.name}: dropped a ${message.length}-byte message too short for a header`);
      return;
    }
    const exchange = this.#pending.get(read.id);
    if (exchange) {
      this.#pending.delete(read.id);
      exchange.reply(read.body);
      if (this.#state === 'draining') this.#recycleIfDrained();
      else this.#options.onChange();
      return;
    }
    if (this.#late.delete(read.id)) {
      this.#options.logger.debug(`${this.#options.name}: dropped the late reply to timed-out request ${read.id}`);
      return;
    }
    this.#options.logger.warn(
      `${this.#options.name}: dropped a ${message.length}-byte reply with header ${printable(read.id)} matching no pending request`,
    );
  }

  #recycleIfDrained(): void {
    if (this.#state !== 'draining' || this.#pending.size > 0) return;
    this.#attempts = 0;
    this.#socket?.destroy();
  }

  #lost(): void {
    const wasDraining = this.#state === 'draining';
    const wasConnected = this.#state === 'connected' || wasDraining;
    this.#late.clear();
    this.#failPending('the connection to the HSM was lost with the request in flight');
    if (this.#state === 'closed') return;
    if (wasDraining) {
      // A planned replacement: reconnect now, so the requests queued meanwhile wait for it (a
      // 'waiting' connection, even for one tick, would make the pool fail them as unavailable).
      this.#connect();
      this.#options.onChange();
      return;
    }
    if (wasConnected) this.#options.logger.warn(`${this.#options.name}: connection lost`);
    const { initialMs, maxMs } = this.#options.backoff;
    const delay = Math.min(maxMs, initialMs * 2 ** this.#attempts) * (0.8 + Math.random() * 0.4);
    this.#attempts++;
    this.#state = 'waiting';
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#state === 'waiting') this.#connect();
    }, delay);
    this.#retry.unref();
    this.#options.onChange();
  }

  #failPending(why: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const exchange of pending) exchange.fail(new CryptoError('UNAVAILABLE', `${exchange.label}: ${why}`));
  }
}

/** A header is ours to log only if it is plain printable text (a foreign one could be anything). */
function printable(id: string): string {
  return /^[\x20-\x7e]*$/.test(id) ? `"${id}"` : '(binary)';
}
