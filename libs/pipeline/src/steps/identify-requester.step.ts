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
    if (claim.kind === 'partner' && issuedBefore(claim.issuedAt, lookup.credentialsSince)) {
      return ctx.end('UNAUTHENTICATED', { reason: 'token issued before the client secret was rotated' });
    }
    ctx.requester = lookup.requester;
    if (claim.kind === 'partner' && !hasScope(claim, lookup.scopes, SCOPE_FOR[ctx.query.question.kind])) {
      ctx.end('REQUESTER_NOT_PERMITTED', { reason: `missing scope ${SCOPE_FOR[ctx.query.question.kind]}` });
    }
  }
}

/**
 * A rotation is how a leaked secret is withdrawn, so the tokens it got die with it (within the
 * directory's cache time). Token times are whole seconds: one issued in the rotation's own second
 * still counts, so a token fetched with the new secret at once is never refused.
 */
function issuedBefore(issuedAt: number | undefined, rotatedAt: Date | undefined): boolean {
  return issuedAt !== undefined && rotatedAt !== undefined && issuedAt < Math.floor(rotatedAt.getTime() / 1000);
}

/** A token's scopes are a snapshot: a scope withdrawn since it was issued no longer counts. */
function hasScope(claim: Extract<RequesterClaim, { kind: 'partner' }>, current: ReadonlySet<string>, scope: string) {
  return claim.scopes.includes(scope) && current.has(scope);
}
