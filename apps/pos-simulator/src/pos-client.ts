import { isIP, Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ISO87A, pack, unpack, type Iso8583Message, type Iso8583MessageInput, type MessageSpec } from '../../../libs/channels/src/pos/iso8583/index.js';
import { DEFAULT_POS_FRAMING, frame, posFrameDecoder, type PosFramingProfile } from '../../../libs/channels/src/pos/pos-framing.js';

export interface PosClientOptions {
  readonly host: string;
  readonly port: number;
  readonly spec?: MessageSpec;
  readonly framing?: PosFramingProfile;
  /** TLS instead of plain TCP; `ca` to trust a private CA (the demo's self-signed certificate). */
  readonly tls?: { readonly ca?: Buffer; readonly rejectUnauthorized?: boolean };
  /** The TPDU sent when the framing profile has one. Default 60 0000 0000. */
  readonly tpdu?: Buffer;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
}

export type PosClientErrorCode = 'CONNECT_FAILED' | 'TIMEOUT' | 'CLOSED' | 'IN_FLIGHT' | 'NO_STAN' | 'BAD_FRAME';

/** A transport failure. Messages name the host and the STAN at most, never message content. */
export class PosClientError extends Error {
  override name = 'PosClientError';
  constructor(
    readonly code: PosClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Pending {
  readonly resolve: (message: Iso8583Message) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_TPDU = Buffer.from('6000000000', 'hex');
const CLOSE_GRACE_MS = 1_000;

/**
 * A terminal's connection to the POS host: one socket, many requests in flight, each answer
 * matched to its request by STAN (field 11) and terminal id (field 41), in whatever order the host
 * sends them. A late answer (after its request timed out) is dropped and counted, never handed to
 * another request. The host's own echo tests (0800) are answered. Nothing here logs message bytes.
 */
export class PosClient {
  readonly #socket: Socket;
  readonly #spec: MessageSpec;
  readonly #framing: PosFramingProfile;
  readonly #tpdu: Buffer;
  readonly #pending = new Map<string, Pending>();
  readonly #peer: string;
  #closed = false;
  #lastError: Error | undefined;
  #corked = false;
  #unmatched = 0;
  #undecodable = 0;
  /** Resolves once the connection is gone, whoever closed it. */
  readonly closed: Promise<void>;

  private constructor(socket: Socket, options: PosClientOptions) {
    this.#socket = socket;
    this.#spec = options.spec ?? ISO87A;
    this.#framing = options.framing ?? DEFAULT_POS_FRAMING;
    this.#tpdu = this.#framing.tpduBytes === 0 ? Buffer.alloc(0) : (options.tpdu ?? DEFAULT_TPDU);
    this.#peer = `${options.host}:${options.port}`;
    const decoder = posFrameDecoder(this.#framing);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        // The stream cannot be resynchronised once a length is wrong.
        this.#lastError = new PosClientError('BAD_FRAME', `${this.#peer} sent a frame with an impossible length`, { cause: error });
        socket.destroy();
        return;
      }
      for (const f of frames) this.#receive(f.message);
    });
    socket.on('error', (error) => {
      this.#lastError = error;
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#onClose();
        resolve();
      }),
    );
  }

  static connect(options: PosClientOptions): Promise<PosClient> {
    const { host, port } = options;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tlsConnect({ host, port, ca: options.tls.ca, rejectUnauthorized: options.tls.rejectUnauthorized ?? true, ...(isIP(host) ? {} : { servername: host }) })
        : tcpConnect({ host, port });
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new PosClientError('CONNECT_FAILED', `cannot connect to ${host}:${port}: ${error.message}`, { cause: error }));
      };
      const timer = setTimeout(() => fail(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      socket.once('error', fail);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(new PosClient(socket, options));
      });
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Answers that matched no request in flight (late after a timeout, or unknown). */
  get unmatched(): number {
    return this.#unmatched;
  }

  /** Frames from the host that did not unpack under the spec. */
  get undecodable(): number {
    return this.#undecodable;
  }

  /** Sends `message` and resolves with its answer (rejects with PosClientError on timeout or close). */
  request(message: Iso8583MessageInput, options: { timeoutMs?: number } = {}): Promise<Iso8583Message> {
    const stan = message.fields.get(11);
    if (stan === undefined) return Promise.reject(new PosClientError('NO_STAN', 'a request needs a STAN (field 11) to be matched'));
    if (this.#closed) return Promise.reject(this.#closedError());
    const key = matchKey(stan, message.fields.get(41));
    if (this.#pending.has(key)) return Promise.reject(new PosClientError('IN_FLIGHT', `STAN ${stan} of this terminal is already in flight`));
    let bytes: Buffer;
    try {
      bytes = frame(this.#framing, this.#tpdu, pack(this.#spec, message));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => {
        this.#pending.delete(key);
        reject(new PosClientError('TIMEOUT', `no answer to STAN ${stan} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(key, { resolve, reject, timer });
      this.#write(bytes);
    });
  }

  /** Half-closes and waits for the host to close too (destroys the socket after a grace period). */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#socket.end();
      const force = setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS);
      await this.closed;
      clearTimeout(force);
    }
    await this.closed;
  }

  /** Requests written in one tick leave in one write (many small frames under load). */
  #write(bytes: Buffer): void {
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(bytes);
  }

  #receive(bytes: Buffer): void {
    let message: Iso8583Message;
    try {
      message = unpack(this.#spec, bytes);
    } catch {
      this.#undecodable++;
      return;
    }
    if (message.mti === '0800' && message.fields.get(70) === '301') return this.#answerEcho(message);
    const stan = message.fields.get(11);
    const key = stan === undefined ? undefined : this.#findKey(stan, message.fields.get(41));
    const pending = key === undefined ? undefined : this.#pending.get(key);
    if (key === undefined || pending === undefined || !isResponse(message.mti)) {
      this.#unmatched++;
      return;
    }
    this.#pending.delete(key);
    clearTimeout(pending.timer);
    pending.resolve(message);
  }

  /** An answer without field 41 still matches a unique request with its STAN. */
  #findKey(stan: string, tid: string | undefined): string | undefined {
    if (tid !== undefined) return matchKey(stan, tid);
    const candidates = [...this.#pending.keys()].filter((k) => k.startsWith(`${stan}/`));
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** The host checking the link: an 0810 echoing its trace fields, approved. */
  #answerEcho(request: Iso8583Message): void {
    const fields = new Map<number, string>();
    for (const n of [7, 11, 41, 70]) {
      const value = request.fields.get(n);
      if (value !== undefined) fields.set(n, value);
    }
    fields.set(39, '00');
    try {
      this.#write(frame(this.#framing, this.#tpdu, pack(this.#spec, { mti: '0810', fields })));
    } catch {
      this.#undecodable++;
    }
  }

  #onClose(): void {
    this.#closed = true;
    const error = this.#closedError();
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }

  #closedError(): PosClientError {
    const cause = this.#lastError;
    const reason = cause instanceof PosClientError ? cause.message : cause ? `${cause.name}: ${cause.message}` : 'closed';
    return new PosClientError('CLOSED', `the connection to ${this.#peer} is closed (${reason}); no answer will come`, { cause });
  }
}

/** MTI position 3: 1 response, 3 advice response (0210, 0110, 0810, 0230). */
const isResponse = (mti: string): boolean => mti[2] === '1' || mti[2] === '3';

/** Fixed ans fields come back without trailing spaces, so the key drops them too. */
function matchKey(stan: string, tid: string | undefined): string {
  return `${stan}/${(tid ?? '').trimEnd()}`;
}
