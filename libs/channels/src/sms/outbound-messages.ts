import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';
import type { Language } from '#channels/telephony';
import { statusRank } from './delivery-status.js';

export interface StoredMessage {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly status: string;
  readonly attempts: number;
}

/** The outbound_messages table: every reply, its provider id and its furthest delivery state. */
@Injectable()
export class OutboundMessages {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async create(req: { to: string; body: string; language: Language; provider: string; correlationId: string }): Promise<string> {
    const row = await this.prisma.outboundMessage.create({
      data: { channel: 'sms', status: 'queued', statusRank: 0, ...req },
      select: { id: true },
    });
    return row.id;
  }

  async find(id: string): Promise<StoredMessage | undefined> {
    const row = await this.prisma.outboundMessage.findUnique({
      where: { id },
      select: { id: true, to: true, body: true, status: true, attempts: true },
    });
    return row ?? undefined;
  }

  async accepted(id: string, providerMessageId: string, status: string): Promise<void> {
    await this.prisma.outboundMessage.update({
      where: { id },
      data: { providerMessageId, status, statusRank: statusRank(status) ?? 1, attempts: { increment: 1 }, lastError: null },
    });
  }

  async attemptFailed(id: string, error: string, final: boolean): Promise<void> {
    await this.prisma.outboundMessage.update({
      where: { id },
      data: { attempts: { increment: 1 }, lastError: error, ...(final ? { status: 'failed', statusRank: statusRank('failed') } : {}) },
    });
  }

  /** Applies a status callback unless the message is already as far or further; answers whether it moved. */
  async advance(providerMessageId: string, status: string, errorCode?: string): Promise<boolean> {
    const rank = statusRank(status);
    if (rank === undefined) return false;
    const { count } = await this.prisma.outboundMessage.updateMany({
      where: { providerMessageId, statusRank: { lt: rank } },
      data: { status, statusRank: rank, ...(errorCode ? { lastError: `provider error ${errorCode}` } : {}) },
    });
    return count > 0;
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
