import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';
import { RequesterDirectory, type RequesterLookup } from '../ports/requester-directory.port.js';
import type { RequesterClaim } from '../query.js';

const CACHE_MS = 5_000;

/**
 * Requesters from the database. Partner clients are cached for a few seconds: a revoked client or
 * a withdrawn scope takes effect within CACHE_MS on every instance, without a query per request.
 */
@Injectable()
export class PrismaRequesterDirectory extends RequesterDirectory {
  private readonly partners = new Map<string, { until: number; lookup: RequesterLookup }>();

  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {
    super();
  }

  async resolve(claim: RequesterClaim): Promise<RequesterLookup> {
    switch (claim.kind) {
      case 'partner':
        return this.partner(claim.clientId);
      case 'terminal':
      case 'phone':
        // The POS and phone channels bring their own directories with them.
        return { found: false };
    }
  }

  private async partner(clientId: string): Promise<RequesterLookup> {
    const cached = this.partners.get(clientId);
    if (cached && cached.until > Date.now()) return cached.lookup;
    const client = await this.prisma.partnerClient.findUnique({
      where: { clientId },
      select: { status: true, scopes: true, allIssuers: true, issuers: { select: { issuerId: true } } },
    });
    const lookup: RequesterLookup =
      client && client.status === 'ACTIVE'
        ? {
            found: true,
            requester: {
              label: `partner:${clientId}`,
              issuerAccess: client.allIssuers ? 'all' : new Set(client.issuers.map((i) => i.issuerId)),
            },
            scopes: new Set(client.scopes),
          }
        : { found: false };
    this.partners.set(clientId, { until: Date.now() + CACHE_MS, lookup });
    return lookup;
  }
}
