import { Inject, Injectable } from '@nestjs/common';
import type { QueryContext } from '../context.js';
import { RequesterDirectory } from '../ports/requester-directory.port.js';
import type { Question, RequesterClaim } from '../query.js';
import type { PipelineStep } from '../step.js';

const SCOPE_FOR: Record<Question['kind'], string> = {
  balance: 'balances:read',
  transactions: 'transactions:read',
};

/** The requester must exist, be active, and (for partners) hold the scope the question needs. */
@Injectable()
export class IdentifyRequesterStep implements PipelineStep {
  readonly name = 'identify-requester';

  constructor(@Inject(RequesterDirectory) private readonly directory: RequesterDirectory) {}

  async run(ctx: QueryContext): Promise<void> {
    const claim = ctx.query.requester;
    const lookup = await this.directory.resolve(claim);
    if (!lookup.found) return ctx.end('UNAUTHENTICATED');
    ctx.requester = lookup.requester;
    if (claim.kind === 'partner' && !hasScope(claim, lookup.scopes, SCOPE_FOR[ctx.query.question.kind])) {
      ctx.end('REQUESTER_NOT_PERMITTED', { reason: `missing scope ${SCOPE_FOR[ctx.query.question.kind]}` });
    }
  }
}

/** A token's scopes are a snapshot: a scope withdrawn since it was issued no longer counts. */
function hasScope(claim: Extract<RequesterClaim, { kind: 'partner' }>, current: ReadonlySet<string>, scope: string) {
  return claim.scopes.includes(scope) && current.has(scope);
}
