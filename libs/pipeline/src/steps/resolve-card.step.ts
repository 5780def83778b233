import { Inject, Injectable } from '@nestjs/common';
import { IssuerCorePort } from '#bank-core';
import type { QueryContext } from '../context.js';
import type { PipelineStep } from '../step.js';

/** Finds the card in its issuer's core by the PAN's keyed hash. */
@Injectable()
export class ResolveCardStep implements PipelineStep {
  readonly name = 'resolve-card';

  constructor(@Inject(IssuerCorePort) private readonly core: IssuerCorePort) {}

  async run(ctx: QueryContext): Promise<void> {
    if (!ctx.issuer || !ctx.panHash) throw new Error('resolve-card step needs an issuer and a PAN hash');
    const card = await this.core.findCard(ctx.issuer.id, ctx.panHash);
    if (!card) return ctx.end('UNKNOWN_CARD');
    ctx.card = card;
  }
}
