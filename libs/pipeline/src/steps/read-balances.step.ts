import { Inject, Injectable } from '@nestjs/common';
import { IssuerCorePort, type AccountBalance } from '#bank-core';
import type { QueryContext } from '../context.js';
import type { PipelineStep } from '../step.js';

@Injectable()
export class ReadBalancesStep implements PipelineStep {
  readonly name = 'read-balances';

  constructor(@Inject(IssuerCorePort) private readonly core: IssuerCorePort) {}

  /** Synchronous when the card lookup brought the balances (the usual case): nothing to wait for. */
  run(ctx: QueryContext): void | Promise<void> {
    const q = ctx.query.question;
    if (q.kind !== 'balance') return;
    if (!ctx.card) throw new Error('read-balances step needs a card');
    const wanted = q.accountType && q.accountType !== 'DEFAULT' ? q.accountType : undefined;
    if (ctx.card.balances) return settle(ctx, ctx.card.balances.filter((b) => !wanted || b.type === wanted));
    return this.core.readBalances(ctx.card.id, q.accountType).then((balances) => settle(ctx, balances));
  }
}

function settle(ctx: QueryContext, balances: readonly AccountBalance[]): void {
  // Asking for an account type the card does not have is a refusal, not an empty answer.
  if (!balances.length) return ctx.end('NOT_PERMITTED', { reason: 'no such account on this card' });
  ctx.balances = [...balances];
}
