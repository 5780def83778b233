import { Injectable } from '@nestjs/common';
import type { QueryContext } from '../context.js';
import type { PipelineStep } from '../step.js';

/**
 * Status and expiry. An expiry given by the requester must match the card's: a mismatch answers
 * like an unknown card (the requester does not hold this card), not like an expired one.
 */
@Injectable()
export class CardChecksStep implements PipelineStep {
  readonly name = 'card-checks';

  run(ctx: QueryContext): void {
    const card = ctx.card;
    if (!card) throw new Error('card-checks step needs a card');
    const holder = ctx.requester?.cardholderId;
    if (holder !== undefined && card.cardholderId !== holder) {
      ctx.auditDetail = { ...ctx.auditDetail, notCardholders: true };
      return ctx.end('UNKNOWN_CARD');
    }
    if (ctx.expiry !== undefined && ctx.expiry !== card.expiry) {
      ctx.auditDetail = { ...ctx.auditDetail, expiryMismatch: true };
      return ctx.end('UNKNOWN_CARD');
    }
    if (card.status !== 'ACTIVE') return ctx.end('CARD_BLOCKED', { reason: card.status });
    if (isExpired(card.expiry, ctx.receivedAt)) return ctx.end('EXPIRED_CARD');
  }
}

/** A card is valid through the last day of its expiry month (UTC). */
export function isExpired(yymm: string, now: Date): boolean {
  const year = 2000 + Number(yymm.slice(0, 2));
  const month = Number(yymm.slice(2, 4));
  const firstDayAfter = Date.UTC(year, month, 1);
  return now.getTime() >= firstDayAfter;
}
