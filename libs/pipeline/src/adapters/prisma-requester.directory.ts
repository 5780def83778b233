import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';
import { RequesterDirectory, type RequesterLookup } from '../ports/requester-directory.port.js';
import type { RequesterClaim } from '../query.js';
import { claimLabel } from '../steps/audit.step.js';

const CACHE_MS = 5_000;
const MAX_CACHED = 10_000;
const CARDHOLDER_SCOPES: ReadonlySet<string> = new Set(['balances:read', 'transactions:read']);

/**
 * Requesters from the database. Partner clients and terminals are cached for a few seconds: a
 * revoked client, a disabled terminal or a withdrawn scope takes effect within CACHE_MS on every instance, without a query per request.
 */
@Injectable()
export class PrismaRequesterDirectory extends RequesterDirectory {
  private readonly cache = new Map<string, { until: number; lookup: RequesterLookup }>();

  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {
    super();
  }

  async resolve(claim: RequesterClaim): Promise<RequesterLookup> {
    const key = claim.kind === 'phone' ? `phone:${claim.e164}` : claim.kind === 'caller' ? `caller:${claim.cardholderId}:${claim.e164 ?? ''}` : claimLabel(claim);
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.lookup;
    const lookup = await this.lookup(claim);
    // Bounded: unknown ids sent by strangers must not grow the map without end.
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, { until: Date.now() + CACHE_MS, lookup });
    return lookup;
  }

  private async lookup(claim: RequesterClaim): Promise<RequesterLookup> {
    switch (claim.kind) {
      case 'partner':
        return this.partner(claim.clientId);
      case 'terminal':
        return this.terminal(claim.tid);
      case 'phone':
        return this.phone(claim.e164);
      case 'caller':
        return this.caller(claim);
    }
  }

  /** A verified number on file speaks for its cardholder, and only for that cardholder's cards. */
  private async phone(e164: string): Promise<RequesterLookup> {
    const phone = await this.prisma.phoneNumber.findUnique({ where: { e164 }, select: { verifiedAt: true, cardholderId: true } });
    if (!phone?.verifiedAt) return { found: false };
    return {
      found: true,
      requester: { label: claimLabel({ kind: 'phone', e164 }), issuerAccess: 'all', cardholderId: phone.cardholderId },
      scopes: CARDHOLDER_SCOPES,
    };
  }

  private async caller(claim: Extract<RequesterClaim, { kind: 'caller' }>): Promise<RequesterLookup> {
    const holder = await this.prisma.cardholder.findUnique({ where: { id: claim.cardholderId }, select: { id: true } });
    if (!holder) return { found: false };
    return { found: true, requester: { label: claimLabel(claim), issuerAccess: 'all', cardholderId: holder.id }, scopes: CARDHOLDER_SCOPES };
  }

  /** An active terminal may ask about cards of every issuer (it is the acquirer's, not an issuer's). */
  private async terminal(tid: string): Promise<RequesterLookup> {
    const terminal = await this.prisma.terminal.findUnique({ where: { tid }, select: { status: true } });
    if (!terminal || terminal.status !== 'ACTIVE') return { found: false };
    return { found: true, requester: { label: `terminal:${tid}`, issuerAccess: 'all' }, scopes: new Set(['balances:read']) };
  }

  private async partner(clientId: string): Promise<RequesterLookup> {
    const client = await this.prisma.partnerClient.findUnique({
      where: { clientId },
      select: { status: true, scopes: true, allIssuers: true, rotatedAt: true, issuers: { select: { issuerId: true } } },
    });
    if (!client || client.status !== 'ACTIVE') return { found: false };
    return {
      found: true,
      requester: {
        label: `partner:${clientId}`,
        issuerAccess: client.allIssuers ? 'all' : new Set(client.issuers.map((i) => i.issuerId)),
      },
      scopes: new Set(client.scopes),
      credentialsSince: client.rotatedAt ?? undefined,
    };
  }
}

