import { Inject, Injectable } from '@nestjs/common';
import { IssuerCorePort } from '#bank-core';
import type { QueryContext } from '../context.js';
import type { PipelineStep } from '../step.js';

@Injectable()
export class ReadBalancesStep implements PipelineStep {
  readonly name = 'read-balances';

  constructor(@Inject(IssuerCorePort) private readonly core: IssuerCorePort) {}

  async run(ctx: QueryContext): Promise<void> {
    const q = ctx.query.question;
    if (q.kind !== 'balance') return;
    if (!ctx.card) throw new Error('read-balances step needs a card');
    const wanted = q.accountType && q.accountType !== 'DEFAULT' ? q.accountType : undefined;
    const balances = ctx.card.balances
      ? ctx.card.balances.filter((b) => !wanted || b.type === wanted)
      : await this.core.readBalances(ctx.card.id, q.accountType);
    // Asking for an account type the card does not have is a refusal, not an empty answer.
    if (!balances.length) return ctx.end('NOT_PERMITTED', { reason: 'no such account on this card' });
    ctx.balances = [...balances];
  }
}
