import type { Socket } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import type { MessageSpec } from './iso8583/index.js';
import { frame, posFrameDecoder, PosFramingError, replyTpdu, type PosFrame, type PosFramingProfile } from './pos-framing.js';
import type { PosMessageHandler, PosReply } from './pos-message.handler.js';

const CLOSE_GRACE_MS = 500;
let connections = 0;

export interface PosConnectionOptions {
  readonly spec: MessageSpec;
  readonly framing: PosFramingProfile;
  readonly requestBudgetMs: number;
  readonly idleTimeoutMs: number;
  readonly maxInFlight: number;
}

interface Pending {
  readonly f: PosFrame;
  readonly deadline: number;
}

/**
 * One terminal connection: frames in, answers out in whatever order they are ready. Each request
 * has a time budget; past it the terminal gets 91 and the late answer is dropped. Past the in-flight
 * limit, frames wait and the socket stops being read (TCP back-pressure instead of memory).
 */
export class PosConnection {
  private inFlight = 0;
  /** Frames read but not started: the socket's reading pauses while there are any. */
  private readonly waiting: PosFrame[] = [];
  /** Requests being answered, oldest first: their deadlines are swept by one timer. */
  private readonly pending = new Set<Pending>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private draining = false;
  /** A bad length header or an unreadable MTI came: nothing more is read, and the socket closes once what is in flight is answered. */
  private hangingUp = false;
  private drained?: () => void;
  private readonly decoder;
  readonly name: string;

  constructor(
    private readonly socket: Socket,
    private readonly handler: PosMessageHandler,
    private readonly options: PosConnectionOptions,
    private readonly logger: LoggerService,
  ) {
    this.decoder = posFrameDecoder(options.framing);
    this.name = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : `#${++connections}`;
  }

  start(): void {
    this.socket.setNoDelay(true);
    this.socket.setTimeout(this.options.idleTimeoutMs, () => {
      this.logger.log(`POS connection ${this.name} idle, closed`);
      this.socket.destroy();
    });
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err) => {
      this.logger.warn(`POS connection ${this.name}: ${err.message}`);
    });
    this.socket.on('close', () => this.drained?.());
  }

  /** Stops taking requests: those in flight are answered, new ones get 91; then the connection closes. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = () => {
        // A peer that never closes its side must not hold the shutdown: it gets a moment, then is cut.
        this.socket.end(() => setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref());
        resolve();
      };
      if (this.inFlight === 0 && this.waiting.length === 0) this.drained();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.hangingUp) return;
    let frames: readonly PosFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof PosFramingError)) throw err;
      // Nothing after a bad length can be framed: the frames before it are answered, then the line is closed.
      this.hangingUp = true;
      this.socket.pause();
      this.logger.warn(`POS connection ${this.name} closing: ${err.message}`);
      frames = err.framesBefore;
    }
    this.waiting.push(...frames);
    this.pump();
    this.hangUpWhenAnswered();
  }

  /** Starts waiting frames up to the in-flight limit; reading resumes once none wait. */
  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.options.maxInFlight) this.begin(this.waiting.shift() as PosFrame);
    if (this.waiting.length > 0) this.socket.pause();
    else if (this.socket.isPaused() && !this.socket.destroyed && !this.hangingUp) this.socket.resume();
  }

  private hangUpWhenAnswered(): void {
    if (!this.hangingUp || this.inFlight > 0 || this.waiting.length > 0 || this.socket.writableEnded || this.socket.destroyed) return;
    // end(), not destroy(): the answers just written go out first.
    this.socket.end(() => setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref());
  }

  /**
   * Starts one request. Its deadline goes on the connection's list, in start order (every request
   * has the same budget, so the oldest expires first); one timer, armed for the oldest, replaces a
   * timer and a `Promise.race` per request. Whichever settles first, the answer or the deadline,
   * is sent; the other is dropped.
   */
  private begin(f: PosFrame): void {
    this.inFlight++;
    if (this.draining) return this.deliver(f, this.handler.fallback(f.message, this.options.spec, '91'));
    const pending: Pending = { f, deadline: Date.now() + this.options.requestBudgetMs };
    this.pending.add(pending);
    this.armSweep();
    this.handler.handle(f.message, this.options.spec, pending.deadline).then(
      (reply) => {
        if (this.pending.delete(pending)) this.deliver(f, reply);
      },
      (err: unknown) => {
        if (this.pending.delete(pending)) this.fault(f, err);
      },
    );
  }

  private armSweep(): void {
    if (this.sweepTimer || this.pending.size === 0) return;
    const oldest = this.pending.values().next().value as Pending;
    this.sweepTimer = setTimeout(this.sweep, Math.max(oldest.deadline - Date.now(), 1));
  }

  /** Answers 91 to every request past its deadline (the late answers are dropped), then re-arms. */
  private readonly sweep = (): void => {
    this.sweepTimer = undefined;
    const now = Date.now();
    for (const pending of this.pending) {
      if (pending.deadline > now) break;
      this.pending.delete(pending);
      this.logger.warn(`POS request on ${this.name} past its ${this.options.requestBudgetMs} ms budget: answered 91`);
      this.deliver(pending.f, this.handler.fallback(pending.f.message, this.options.spec, '91'));
    }
    this.armSweep();
  };

  /** Sends the answer once it is there (a fallback is itself asynchronous; a fault gets 96), then frees the slot. */
  private deliver(f: PosFrame, reply: PosReply | Promise<PosReply>, faultAnswer = true): void {
    if (!(reply instanceof Promise)) return this.sent(f, reply);
    reply.then(
      (ready) => this.sent(f, ready),
      (err: unknown) => {
        if (faultAnswer) return this.fault(f, err);
        this.logger.error(`POS answer on ${this.name} not sent: ${err instanceof Error ? err.message : 'unknown error'}`);
        this.socket.destroy();
        this.done();
      },
    );
  }

  private fault(f: PosFrame, err: unknown): void {
    this.logger.error(`POS request on ${this.name} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error'}`);
    this.deliver(f, this.handler.fallback(f.message, this.options.spec, '96'), false);
  }

  private sent(f: PosFrame, reply: PosReply): void {
    try {
      this.send(reply, f);
    } catch (err) {
      this.logger.error(`POS answer on ${this.name} not sent: ${err instanceof Error ? err.message : 'unknown error'}`);
      this.socket.destroy();
    }
    this.done();
  }

  private done(): void {
    this.inFlight--;
    this.pump();
    this.hangUpWhenAnswered();
    if (this.draining && this.inFlight === 0 && this.waiting.length === 0) this.drained?.();
  }

  private send(reply: PosReply, f: PosFrame): void {
    // A drained connection has ended its side: what arrives after that goes unanswered.
    if (this.socket.destroyed || this.socket.writableEnded) return;
    switch (reply.kind) {
      case 'reply':
        this.socket.write(frame(this.options.framing, replyTpdu(f.tpdu), reply.bytes));
        return;
      case 'close':
        // Like a bad length: nothing more is read or started; what is already in flight is answered, then the line closes.
        this.logger.warn(`POS connection ${this.name} closing: ${reply.reason}`);
        this.hangingUp = true;
        this.waiting.length = 0;
        this.socket.pause();
        return;
      case 'ignore':
        return;
    }
  }
}
