import { createHash } from 'node:crypto';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { RespError, RespProtocolError, RespReader, type RespValue } from './resp-reader.js';

export interface RespConnectionOptions {
  /** How long one connection attempt (TCP, TLS, AUTH, SELECT) may take. Default 2 s. */
  readonly connectTimeoutMs?: number;
  /**
   * How long Redis may leave the oldest command unanswered before the connection counts as hung:
   * it is dropped (everything waiting is rejected) and made again. Default 2 s. No blocking
   * commands on this connection.
   */
  readonly replyTimeoutMs?: number;
  /** Where connection trouble is reported (at most once per 10 s). */
  readonly warn?: (message: string) => void;
  /** Names the connection in those reports. */
  readonly name?: string;
}

/** A Lua script run by its SHA-1 (EVALSHA) and sent whole (EVAL) only to a server that lacks it. */
export class RespScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

interface Waiter {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

interface Target {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** AUTH and SELECT, sent first on every connection. */
  readonly handshake: ReadonlyArray<readonly string[]>;
}

const MAX_BACKOFF_MS = 2_000;
/** Redis's answer to AUTH when it has no password: ioredis carries on, and so do we. */
const NO_PASSWORD_SET = /without any password configured|no password is set/i;

/**
 * The hot path's Redis connection: a small RESP2 client over one socket. Commands given in one
 * event-loop turn leave in one write (flushed from setImmediate, after the turn's I/O callbacks),
 * replies are matched in order, and a reply costs one parse — where ioredis spent a Command
 * object, an auto-pipeline and a callback adapter per command (18 % of the POS path's CPU).
 *
 * Failure behaviour: a command written to a connection that drops is rejected (it may or may not
 * have run; nothing is re-sent behind the caller's back). A connection whose oldest command goes
 * unanswered for `replyTimeoutMs` is dropped the same way. Commands given while the connection is
 * being (re)made wait for that attempt and are rejected if it fails, so a caller waits at most
 * one back-off plus one connect timeout. `ready` says whether commands go out at once. Commands
 * that change the reply stream (SUBSCRIBE, MONITOR, CLIENT REPLY) are not for this connection.
 */
export class RespConnection {
  readonly #target: Target;
  readonly #connectTimeoutMs: number;
  readonly #replyTimeoutMs: number;
  readonly #warn: (message: string) => void;
  readonly #name: string;
  readonly #reader = new RespReader((value) => this.#reply(value));
  #socket: Socket | undefined;
  #state: 'connecting' | 'ready' | 'backing-off' | 'closed' = 'connecting';
  /** Waiters of the commands written (or in #out), in order; #head is the next reply's. */
  #sent: Waiter[] = [];
  #head = 0;
  /** Commands given while not ready. */
  #queued: Array<{ command: string; waiter: Waiter }> = [];
  #out = '';
  #flushing = false;
  #attempts = 0;
  #retry: NodeJS.Timeout | undefined;
  #lastWarned = 0;
  #closed: Promise<void> | undefined;
  /** Since when the oldest unanswered command has waited (its send, or the last reply). */
  #waitingSince = 0;
  #watchdog: NodeJS.Timeout | undefined;

  constructor(url: string, options: RespConnectionOptions = {}) {
    this.#target = parseRedisUrl(url);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
    this.#replyTimeoutMs = options.replyTimeoutMs ?? 2_000;
    this.#warn = options.warn ?? (() => undefined);
    this.#name = options.name ?? 'redis';
    this.#connect();
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  send(args: ReadonlyArray<string | number>): Promise<RespValue> {
    // Redis answers an empty command with nothing at all: every later reply would go to the wrong caller.
    if (args.length === 0) return Promise.reject(new Error(`${this.#name}: an empty command`));
    return new Promise<RespValue>((resolve, reject) => this.#enqueue(encode(args), { resolve, reject }));
  }

  /** EVALSHA, falling back to EVAL when the server does not know the script yet (a restart, a new server). */
  async evalScript(script: RespScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<RespValue> {
    try {
      return await this.send(['EVALSHA', script.sha, keys.length, ...keys, ...args]);
    } catch (err) {
      if (!(err instanceof RespError) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.send(['EVAL', script.source, keys.length, ...keys, ...args]);
    }
  }

  /**
   * Sends the commands already written for, waits for their replies (a peer that never closes gets
   * `connectTimeoutMs`), then closes; no reconnection after. Commands still waiting for a
   * connection are rejected.
   */
  quit(): Promise<void> {
    if (!this.#closed) {
      const socket = this.#socket;
      this.#closing();
      this.#closed = new Promise<void>((resolve) => {
        if (!socket || socket.destroyed) return resolve();
        const cut = setTimeout(() => socket.destroy(), this.#connectTimeoutMs);
        socket.once('close', () => {
          clearTimeout(cut);
          resolve();
        });
        this.#flush();
        socket.end();
      });
    }
    return this.#closed;
  }

  /** Closes at once; commands awaiting a reply are rejected. */
  disconnect(): void {
    const socket = this.#socket;
    this.#closing();
    this.#closed ??= Promise.resolve();
    socket?.destroy();
  }

  #closing(): void {
    this.#state = 'closed';
    clearTimeout(this.#retry);
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#rejectQueued(new Error(`${this.#name}: connection closed`));
  }

  #enqueue(command: string, waiter: Waiter): void {
    if (this.#state === 'ready') {
      this.#out += command;
      if (this.#head === this.#sent.length) this.#waitingSince = Date.now();
      this.#sent.push(waiter);
      if (!this.#flushing) {
        this.#flushing = true;
        setImmediate(() => this.#flush());
      }
    } else if (this.#state === 'closed') {
      waiter.reject(new Error(`${this.#name}: connection closed`));
    } else {
      this.#queued.push({ command, waiter });
    }
  }

  #flush(): void {
    this.#flushing = false;
    if (this.#out && this.#socket && !this.#socket.destroyed) this.#socket.write(this.#out);
    this.#out = '';
  }

  #connect(): void {
    const { host, port, tls, handshake } = this.#target;
    this.#state = 'connecting';
    const socket = tls ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }) }) : connectTcp({ host, port });
    this.#socket = socket;
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(new Error(`connect timeout after ${this.#connectTimeoutMs} ms`)), this.#connectTimeoutMs);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      socket.setKeepAlive(true, 30_000);
      let left = handshake.length;
      const done = () => {
        clearTimeout(timer);
        this.#opened();
      };
      if (left === 0) return done();
      this.#waitingSince = Date.now();
      for (const command of handshake) {
        socket.write(encode(command));
        const next = () => {
          if (--left === 0) done();
        };
        this.#sent.push({
          resolve: next,
          reject: (err) => {
            if (command[0] === 'AUTH' && NO_PASSWORD_SET.test(err.message)) {
              this.#report('the URL has a password and Redis has none; carrying on without');
              return next();
            }
            socket.destroy(new Error(`${command[0]} refused: ${err.message}`));
          },
        });
      }
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#reader.push(chunk);
      } catch (err) {
        socket.destroy(err instanceof Error ? err : new RespProtocolError(String(err)));
      }
    });
    socket.on('error', (err: Error) => this.#report(err.message));
    socket.once('close', () => {
      clearTimeout(timer);
      this.#dropped(socket);
    });
  }

  #opened(): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'ready';
    this.#watchdog ??= setInterval(() => this.#checkReplies(), Math.max(this.#replyTimeoutMs / 4, 10)).unref();
    const queued = this.#queued;
    this.#queued = [];
    for (const { command, waiter } of queued) this.#enqueue(command, waiter);
  }

  #dropped(socket: Socket): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    this.#reader.reset();
    this.#out = '';
    const sent = this.#sent.slice(this.#head);
    this.#sent = [];
    this.#head = 0;
    const lost = new Error(`${this.#name}: connection lost before the reply`);
    for (const waiter of sent) waiter.reject(lost);
    if (this.#state === 'closed') return;
    // A failed attempt fails what waited for it; later commands wait for the next attempt.
    this.#rejectQueued(new Error(`${this.#name}: not connected`));
    this.#state = 'backing-off';
    const delay = Math.min(50 * 2 ** this.#attempts++, MAX_BACKOFF_MS);
    this.#retry = setTimeout(() => this.#connect(), delay);
  }

  /** A connection that stopped answering (a hung server, a silent network split) is dropped and made again. */
  #checkReplies(): void {
    if (this.#head === this.#sent.length || Date.now() - this.#waitingSince < this.#replyTimeoutMs) return;
    this.#report(`no reply for ${this.#replyTimeoutMs} ms; reconnecting`);
    this.#socket?.destroy();
  }

  #rejectQueued(error: Error): void {
    const queued = this.#queued;
    this.#queued = [];
    for (const { waiter } of queued) waiter.reject(error);
  }

  #reply(value: RespValue): void {
    const waiter = this.#sent[this.#head];
    if (!waiter) throw new RespProtocolError('a reply nobody asked for');
    this.#sent[this.#head++] = undefined as unknown as Waiter;
    if (this.#head === this.#sent.length) {
      this.#sent = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#sent.length) {
      this.#sent = this.#sent.slice(this.#head);
      this.#head = 0;
    }
    this.#waitingSince = Date.now();
    if (value instanceof RespError) waiter.reject(value);
    else {
      // Back-off starts again only once the server has answered: one that accepts and then refuses
      // (max clients reached) must not be reconnected to 20 times a second.
      this.#attempts = 0;
      waiter.resolve(value);
    }
  }

  #report(message: string): void {
    const now = Date.now();
    if (now - this.#lastWarned < 10_000) return;
    this.#lastWarned = now;
    this.#warn(`${this.#name} error: ${message}`);
  }
}

/** One command in RESP: an array of bulk strings (lengths in bytes, so any UTF-8 text is safe). */
function encode(args: ReadonlyArray<string | number>): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const text = typeof arg === 'string' ? arg : String(arg);
    out += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  }
  return out;
}

/** redis://[[user]:password@]host[:port][/db] or rediss:// (TLS). */
export function parseRedisUrl(url: string): Target {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error('a Redis URL starts with redis:// or rediss://');
  const db = parsed.pathname.replace(/^\//, '');
  if (db && !/^\d+$/.test(db)) throw new Error('the Redis URL path is a database number');
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const handshake: string[][] = [];
  if (password) handshake.push(user ? ['AUTH', user, password] : ['AUTH', password]);
  if (db && db !== '0') handshake.push(['SELECT', db]);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    tls: parsed.protocol === 'rediss:',
    handshake,
  };
}
