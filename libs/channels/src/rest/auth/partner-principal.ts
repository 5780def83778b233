import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The partner client a valid bearer token names, with the scopes the token was issued for. */
export interface PartnerPrincipal {
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** When the token was issued (epoch seconds): a token older than the client's last secret rotation is refused. */
  readonly issuedAt?: number;
}

export type PartnerRequest = FastifyRequest & { partner?: PartnerPrincipal };

export const Partner = createParamDecorator((_: unknown, ctx: ExecutionContext): PartnerPrincipal => {
  const partner = ctx.switchToHttp().getRequest<PartnerRequest>().partner;
  if (!partner) throw new Error('@Partner() used on a route without PartnerAuthGuard');
  return partner;
});
