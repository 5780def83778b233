import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { hash } from '@node-rs/argon2';
import { isUniqueViolation, PrismaClient } from '#db';
import { done, refused, type Change } from './form.js';

/** The scopes the partner API knows (the pipeline's identify-requester step asks for one per question). */
export const PARTNER_SCOPES = ['balances:read', 'transactions:read'] as const;

/** How long a running gateway may still accept a revoked client's tokens (the requester cache). */
export const PARTNER_CACHE_SECONDS = 5;

export interface PartnerRow {
  readonly id: string;
  readonly clientId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly allIssuers: boolean;
  readonly issuers: readonly string[];
  readonly status: 'ACTIVE' | 'DISABLED';
  readonly createdAt: Date;
  readonly rotatedAt: Date | null;
}

export interface PartnerAccessInput {
  readonly scopes: readonly string[];
  readonly allIssuers: boolean;
  /** Issuer codes. */
  readonly issuers: readonly string[];
}

export interface NewPartnerInput extends PartnerAccessInput {
  readonly clientId: string;
  readonly name: string;
}

/** A client and its secret in clear: for the one page that shows it, never stored, logged or audited. */
export interface IssuedSecret {
  readonly partner: PartnerRow;
  readonly secret: string;
}

// Never the secret hash: nothing on a page needs it.
const ROW = {
  id: true,
  clientId: true,
  name: true,
  scopes: true,
  allIssuers: true,
  status: true,
  createdAt: true,
  rotatedAt: true,
  issuers: { select: { issuer: { select: { code: true } } } },
} as const;

function toRow({ issuers, ...p }: { issuers: { issuer: { code: string } }[] } & Omit<PartnerRow, 'issuers'>): PartnerRow {
  return { ...p, issuers: issuers.map((i) => i.issuer.code).sort() };
}

const CLIENT_ID = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/**
 * Partner clients of the REST API (OAuth2 client credentials). A secret is 256 random bits, shown
 * once to the admin who made it and kept only as its argon2id hash, the form the token endpoint
 * verifies (libs/channels/src/rest/auth/client-credentials.service.ts).
 */
@Injectable()
export class PartnerAdmin {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async list(): Promise<PartnerRow[]> {
    return (await this.prisma.partnerClient.findMany({ select: ROW, orderBy: { clientId: 'asc' } })).map(toRow);
  }

  async issuers(): Promise<{ id: string; code: string; name: string }[]> {
    return this.prisma.issuer.findMany({ select: { id: true, code: true, name: true }, orderBy: { code: 'asc' } });
  }

  async create(input: NewPartnerInput): Promise<Change<IssuedSecret>> {
    if (!CLIENT_ID.test(input.clientId)) return refused(400, 'A client id is 3-64 lower-case letters, digits, dots, underscores or dashes, starting with a letter or digit.');
    if (!input.name || input.name.length > 100) return refused(400, 'Give the client a name (at most 100 characters).');
    const access = await this.access(input);
    if (!access.ok) return access;
    if (await this.prisma.partnerClient.findUnique({ where: { clientId: input.clientId }, select: { id: true } })) {
      return refused(409, `A client with id ${input.clientId} already exists: pick another id (a revoked client's id is not reused).`);
    }
    const secret = newSecret();
    try {
      const created = await this.prisma.partnerClient.create({
        data: {
          clientId: input.clientId,
          name: input.name,
          secretHash: await hash(secret),
          scopes: access.value.scopes,
          allIssuers: access.value.allIssuers,
          issuers: { create: access.value.issuerIds.map((issuerId) => ({ issuerId })) },
        },
        select: { id: true },
      });
      return done({ partner: await this.one(created.id), secret });
    } catch (err) {
      if (isUniqueViolation(err)) return refused(409, `A client with id ${input.clientId} already exists: pick another id.`);
      throw err;
    }
  }

  /** A new secret: the old one stops working at once, and the pipeline refuses the tokens it got (rotatedAt). */
  async rotate(id: string): Promise<Change<IssuedSecret>> {
    const client = await this.prisma.partnerClient.findUnique({ where: { id }, select: { status: true } });
    if (!client) return refused(404, 'No such partner client.');
    if (client.status !== 'ACTIVE') return refused(409, 'This client is revoked: create a new client instead of rotating its secret.');
    const secret = newSecret();
    await this.prisma.partnerClient.update({ where: { id }, data: { secretHash: await hash(secret), rotatedAt: new Date() } });
    return done({ partner: await this.one(id), secret });
  }

  /** Revoked for good: the token endpoint refuses it at once, its tokens are refused within PARTNER_CACHE_SECONDS. */
  async revoke(id: string): Promise<Change<PartnerRow>> {
    const client = await this.prisma.partnerClient.findUnique({ where: { id }, select: { status: true } });
    if (!client) return refused(404, 'No such partner client.');
    if (client.status !== 'ACTIVE') return refused(409, 'This client is already revoked.');
    await this.prisma.partnerClient.update({ where: { id }, data: { status: 'DISABLED' } });
    return done(await this.one(id));
  }

  /** Scopes and issuers of an existing client; a withdrawn scope or issuer counts within PARTNER_CACHE_SECONDS, even for tokens already issued. */
  async setAccess(id: string, input: PartnerAccessInput): Promise<Change<PartnerRow>> {
    const client = await this.prisma.partnerClient.findUnique({ where: { id }, select: { status: true } });
    if (!client) return refused(404, 'No such partner client.');
    if (client.status !== 'ACTIVE') return refused(409, 'This client is revoked.');
    const access = await this.access(input);
    if (!access.ok) return access;
    const { scopes, allIssuers, issuerIds } = access.value;
    await this.prisma.$transaction([
      this.prisma.partnerClientIssuer.deleteMany({ where: { partnerClientId: id } }),
      this.prisma.partnerClient.update({ where: { id }, data: { scopes, allIssuers, issuers: { create: issuerIds.map((issuerId) => ({ issuerId })) } } }),
    ]);
    return done(await this.one(id));
  }

  private async access(input: PartnerAccessInput): Promise<Change<{ scopes: string[]; allIssuers: boolean; issuerIds: string[] }>> {
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) return refused(400, 'Grant at least one scope.');
    const unknown = scopes.find((s) => !(PARTNER_SCOPES as readonly string[]).includes(s));
    if (unknown !== undefined) return refused(400, `Unknown scope (the scopes are ${PARTNER_SCOPES.join(' and ')}).`);
    if (input.allIssuers) return done({ scopes, allIssuers: true, issuerIds: [] });
    const codes = [...new Set(input.issuers)];
    if (codes.length === 0) return refused(400, 'Pick the issuers whose cards the client may query, or all issuers.');
    const found = await this.prisma.issuer.findMany({ where: { code: { in: codes } }, select: { id: true } });
    if (found.length !== codes.length) return refused(400, 'One of the issuers picked does not exist.');
    return done({ scopes, allIssuers: false, issuerIds: found.map((i) => i.id) });
  }

  private async one(id: string): Promise<PartnerRow> {
    return toRow(await this.prisma.partnerClient.findUniqueOrThrow({ where: { id }, select: ROW }));
  }
}

/** 256 bits, base64url (43 characters): as strong as the token key it unlocks. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
