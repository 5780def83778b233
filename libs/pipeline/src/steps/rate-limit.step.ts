import { Inject, Injectable } from '@nestjs/common';
import { CryptoPort } from '#hsm';
import { RateLimitService, type RateDecision, type RateDimension } from '#platform';
import type { QueryContext } from '../context.js';
import type { RequesterClaim } from '../query.js';
import type { PipelineStep } from '../step.js';

const ALLOWED: RateDecision = { allowed: true };

/** Counts the query against its requester and its card (keyed by the PAN's keyed hash, never the PAN). */
@Injectable()
export class RateLimitStep implements PipelineStep {
  readonly name = 'rate-limit';

  constructor(
    @Inject(RateLimitService) private readonly limits: RateLimitService,
    @Inject(CryptoPort) private readonly crypto: CryptoPort,
  ) {}

  async run(ctx: QueryContext): Promise<void> {
    if (!ctx.panHash) {
      if (!ctx.pan) throw new Error('rate-limit step needs a validated PAN or a card on file');
      ctx.panHash = await this.crypto.hashPan(ctx.pan);
    }
    const [dimension, key] = requesterKey(ctx.query.requester);
    // Both counters in one Redis command (one round trip) when the requester is counted here.
    const [byRequester, byCard] = ctx.query.requesterCounted
      ? [ALLOWED, ...(await this.limits.consumeEach([['card', ctx.panHash]]))]
      : await this.limits.consumeEach([
          [dimension, key],
          ['card', ctx.panHash],
        ]);
    const refused = [byRequester, byCard].filter((d) => !d.allowed);
    if (refused.length) {
      const retryAfterMs = Math.max(...refused.map((d) => (d.allowed ? 0 : d.retryAfterMs)));
      ctx.end('RATE_LIMITED', { retryAfterMs, reason: byCard.allowed ? dimension : 'card' });
    }
  }
}

function requesterKey(claim: RequesterClaim): [RateDimension, string] {
  switch (claim.kind) {
    case 'partner':
      return ['partner', claim.clientId];
    case 'terminal':
      return ['terminal', claim.tid];
    case 'phone':
      return ['phone', claim.e164];
    case 'caller':
      return ['phone', claim.e164 ?? `cardholder:${claim.cardholderId}`];
  }
}
