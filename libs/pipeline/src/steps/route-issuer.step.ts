import { Inject, Injectable } from '@nestjs/common';
import type { QueryContext } from '../context.js';
import { IssuerDirectory } from '../ports/issuer-directory.port.js';
import { isCardOnFile } from '../query.js';
import type { PipelineStep } from '../step.js';

/**
 * Routes the PAN to its issuer by BIN range. A requester that may not query this issuer gets the
 * same answer as for a card that does not exist, so it cannot learn which cards are real.
 */
@Injectable()
export class RouteIssuerStep implements PipelineStep {
  readonly name = 'route-issuer';

  constructor(@Inject(IssuerDirectory) private readonly issuers: IssuerDirectory) {}

  async run(ctx: QueryContext): Promise<void> {
    if (!ctx.requester) throw new Error('route-issuer step needs a requester');
    const card = ctx.query.card;
    let issuer;
    if (isCardOnFile(card)) issuer = await this.issuers.byId(card.onFile.issuerId);
    else if (ctx.pan) issuer = await this.issuers.route(ctx.pan);
    else throw new Error('route-issuer step needs a PAN or a card on file');
    if (!issuer) return ctx.end('NO_SUCH_ISSUER');
    const access = ctx.requester.issuerAccess;
    if (access !== 'all' && !access.has(issuer.id)) {
      ctx.auditDetail = { ...ctx.auditDetail, deniedIssuer: issuer.code };
      return ctx.end('UNKNOWN_CARD');
    }
    ctx.issuer = issuer;
  }
}
