import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';
import type { Language } from '../cardholders/cardholder-directory.js';
import { statusRank } from './delivery-status.js';

export interface StoredMessage {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly status: string;
  readonly attempts: number;
}

/** What stays of a text once it is handed over or given up: nothing (sign-in codes, balances). */
export const DROPPED_TEXT = '';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our id of a message as it comes back in a status callback URL (?m=), when it is one. */
export function messageIdFrom(value: string | undefined): string | undefined {
  return value && UUID.test(value) ? value : undefined;
}

/**
 * The outbound_messages table: every text Saldo sends (SMS replies, the web page's sign-in codes),
 * its provider id and its furthest delivery state. The text itself stays only until it is handed
 * to the provider or given up, except in the embedded outbox, where the table is the delivery.
 */
@Injectable()
export class OutboundMessages {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** Stores one reply's messages together (all or none), in order; answers their ids. */
  async create(req: { to: string; bodies: readonly string[]; language: Language; provider: string; correlationId: string }): Promise<string[]> {
    const { bodies, ...common } = req;
    // One transaction has one now(): a millisecond apart keeps the parts in order in every listing.
    const start = Date.now();
    const rows = await this.prisma.$transaction(
      bodies.map((body, i) =>
        this.prisma.outboundMessage.create({
          data: { channel: 'sms', status: 'queued', statusRank: 0, body, createdAt: new Date(start + i), ...common },
          select: { id: true },
        }),
      ),
    );
    return rows.map((r) => r.id);
  }

  /** Whether a request already stored its reply (a retried answer job must not text twice). */
  async answered(correlationId: string): Promise<boolean> {
    return (await this.prisma.outboundMessage.count({ where: { correlationId } })) > 0;
  }

  async find(id: string): Promise<StoredMessage | undefined> {
    const row = await this.prisma.outboundMessage.findUnique({
      where: { id },
      select: { id: true, to: true, body: true, status: true, attempts: true },
    });
    return row ?? undefined;
  }

  /**
   * Takes a queued message for sending: only one job run wins, and a message that was handed to
   * the provider is never queued again (if the process dies in between it stays "sending": at
   * most once, since a balance delivered twice or late helps nobody).
   */
  async claim(id: string): Promise<boolean> {
    const { count } = await this.prisma.outboundMessage.updateMany({
      where: { id, status: 'queued' },
      data: { status: 'sending', statusRank: statusRank('sending'), attempts: { increment: 1 } },
    });
    return count === 1;
  }

  /**
   * The provider took it: its id, and its state unless a status callback already went further.
   * The text goes from the table unless `keepText` (the outbox, where the text is the delivery).
   */
  async accepted(id: string, providerMessageId: string, status: string, keepText: boolean): Promise<void> {
    await this.prisma.outboundMessage.update({ where: { id }, data: { providerMessageId, lastError: null, ...(keepText ? {} : { body: DROPPED_TEXT }) } });
    await this.advance({ id }, status);
  }

  /** A failed attempt: back in the queue for the retry, or failed for good (and its text dropped). */
  async attemptFailed(id: string, error: string, final: boolean): Promise<void> {
    const next = final ? 'failed' : 'queued';
    await this.prisma.outboundMessage.update({ where: { id }, data: { lastError: error, status: next, statusRank: statusRank(next), ...(final ? { body: DROPPED_TEXT } : {}) } });
  }

  /** Applies a delivery state unless the message is already as far or further; answers whether it moved. */
  async advance(which: { id: string } | { providerMessageId: string }, status: string, errorCode?: string): Promise<boolean> {
    const rank = statusRank(status);
    if (rank === undefined) return false;
    const { count } = await this.prisma.outboundMessage.updateMany({
      where: { ...which, statusRank: { lt: rank } },
      data: { status, statusRank: rank, ...(errorCode ? { lastError: `provider error ${errorCode}` } : {}) },
    });
    return count > 0;
  }

  /** Queued messages created before `before` are past their validity: failed, never sent. */
  async expireQueued(before: Date): Promise<number> {
    const { count } = await this.prisma.outboundMessage.updateMany({
      where: { status: 'queued', createdAt: { lt: before } },
      data: { status: 'failed', statusRank: statusRank('failed'), lastError: 'expired before it could be sent', body: DROPPED_TEXT },
    });
    return count;
  }

  /**
   * Texts of messages claimed for sending before `before` that never came back from the provider
   * (the process died in between, or the answer could not be recorded): past their validity they
   * are not needed, and go. Answers how many.
   */
  async dropStaleTexts(before: Date): Promise<number> {
    const { count } = await this.prisma.outboundMessage.updateMany({
      where: { status: 'sending', createdAt: { lt: before }, body: { not: DROPPED_TEXT } },
      data: { body: DROPPED_TEXT },
    });
    return count;
  }

  /** Ids of messages still queued and untouched since `before` (at most 500 a sweep). */
  async queuedSince(before: Date): Promise<string[]> {
    const rows = await this.prisma.outboundMessage.findMany({ where: { status: 'queued', updatedAt: { lt: before } }, select: { id: true }, take: 500 });
    return rows.map((r) => r.id);
  }

  /** The latest messages to a number, newest first (the outbox view of the simulator and the web page). */
  async latestTo(to: string, limit: number): Promise<{ id: string; body: string; status: string; createdAt: Date }[]> {
    return this.prisma.outboundMessage.findMany({
      where: { to },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { id: true, body: true, status: true, createdAt: true },
    });
  }
}
