import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { BalancePipeline, type BalanceQuery, type Channel, type QueryResult, type RequesterClaim } from '#pipeline';
import type { CardOnFileEntry } from './cardholder-directory.js';

/** How far back a mini statement looks. */
const HISTORY_DAYS = 90;

export interface CardAnswer {
  readonly card: CardOnFileEntry;
  readonly result: QueryResult;
}

/**
 * The phone channels' questions about a cardholder's cards on file, each card one query through
 * the one pipeline (its own audit row, its own card rate limit); the requester counts once per
 * request, however many cards it covers.
 */
@Injectable()
export class CardholderQueries {
  constructor(@Inject(BalancePipeline) private readonly pipeline: BalancePipeline) {}

  async balances(channel: Channel, requester: RequesterClaim, cards: readonly CardOnFileEntry[]): Promise<CardAnswer[]> {
    const [first, ...rest] = cards;
    if (!first) return [];
    // The first query alone counts the requester, so a limited requester is refused once, not per card.
    const head = await this.ask(channel, requester, first, { kind: 'balance' }, false);
    if (head.result.outcome === 'RATE_LIMITED' && head.result.reason !== 'card') return [head];
    const tail = await Promise.all(rest.map((card) => this.ask(channel, requester, card, { kind: 'balance' }, true)));
    return [head, ...tail];
  }

  async recentTransactions(channel: Channel, requester: RequesterClaim, card: CardOnFileEntry, limit: number): Promise<CardAnswer> {
    const to = new Date();
    const from = new Date(to.getTime() - HISTORY_DAYS * 86_400_000);
    return this.ask(channel, requester, card, { kind: 'transactions', from, to, limit }, false);
  }

  private async ask(
    channel: Channel,
    requester: RequesterClaim,
    card: CardOnFileEntry,
    question: BalanceQuery['question'],
    requesterCounted: boolean,
  ): Promise<CardAnswer> {
    const result = await this.pipeline.run({
      channel,
      correlationId: randomUUID(),
      requester,
      card: { onFile: card.onFile },
      credential: { kind: 'requester' },
      question,
      requesterCounted,
    });
    return { card, result };
  }
}
