import { Inject, Injectable } from '@nestjs/common';
import { IssuerCorePort } from '#bank-core';
import type { QueryContext } from '../context.js';
import type { Question } from '../query.js';
import type { PipelineStep } from '../step.js';

@Injectable()
export class ReadTransactionsStep implements PipelineStep {
  readonly name = 'read-transactions';

  constructor(@Inject(IssuerCorePort) private readonly core: IssuerCorePort) {}

  run(ctx: QueryContext): void | Promise<void> {
    const q = ctx.query.question;
    if (q.kind !== 'transactions') return;
    return this.read(ctx, q);
  }

  private async read(ctx: QueryContext, q: Extract<Question, { kind: 'transactions' }>): Promise<void> {
    if (!ctx.card) throw new Error('read-transactions step needs a card');
    const page = await this.core.searchTransactions(ctx.card.id, {
      from: q.from,
      to: q.to,
      types: q.types,
      limit: q.limit,
      after: q.after,
    });
    ctx.transactions = { items: [...page.items], next: page.next };
  }
}
