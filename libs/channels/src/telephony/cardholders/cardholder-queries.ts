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
 * the one pipeline (its own audit row, its own card rate limit). The requester (the phone) is
 * counted by the channel, once per text or call step, however many cards it covers; each query
 * carries the request's correlation id with its own suffix, so audit rows join the request.
 */
@Injectable()
export class CardholderQueries {
  constructor(@Inject(BalancePipeline) private readonly pipeline: BalancePipeline) {}

  async balances(channel: Channel, requester: RequesterClaim, cards: readonly CardOnFileEntry[], correlationId: string): Promise<CardAnswer[]> {
    return Promise.all(cards.map((card, i) => this.ask(channel, requester, card, { kind: 'balance' }, `${correlationId}:${i + 1}`)));
  }

  async recentTransactions(channel: Channel, requester: RequesterClaim, card: CardOnFileEntry, limit: number, correlationId: string): Promise<CardAnswer> {
    const to = new Date();
    const from = new Date(to.getTime() - HISTORY_DAYS * 86_400_000);
    return this.transactions(channel, requester, card, { kind: 'transactions', from, to, limit }, correlationId);
  }

  async transactions(
    channel: Channel,
    requester: RequesterClaim,
    card: CardOnFileEntry,
    question: Extract<BalanceQuery['question'], { kind: 'transactions' }>,
    correlationId: string,
  ): Promise<CardAnswer> {
    return this.ask(channel, requester, card, question, `${correlationId}:1`);
  }

  private async ask(
    channel: Channel,
    requester: RequesterClaim,
    card: CardOnFileEntry,
    question: BalanceQuery['question'],
    correlationId: string,
  ): Promise<CardAnswer> {
    const result = await this.pipeline.run({
      channel,
      correlationId,
      requester,
      card: { onFile: card.onFile },
      credential: { kind: 'requester' },
      question,
      requesterCounted: true,
    });
    return { card, result };
  }
}
