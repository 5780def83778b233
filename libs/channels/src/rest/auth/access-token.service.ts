import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { SaldoConfig } from '#config';
import type { PartnerPrincipal } from './partner-principal.js';

const ISSUER = 'saldo';
const AUDIENCE = 'saldo-partner-api';

/** Short-lived HS256 bearer tokens for partner clients (OAuth2 client credentials). */
@Injectable()
export class AccessTokenService {
  constructor(
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.tokens.ttlSeconds;
  }

  async issue(principal: PartnerPrincipal): Promise<string> {
    return this.jwt.signAsync(
      { scope: principal.scopes.join(' ') },
      {
        subject: principal.clientId,
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresIn: this.config.tokens.ttlSeconds,
        secret: this.config.tokens.secret,
        algorithm: 'HS256',
      },
    );
  }

  /** The principal, or undefined for a token that is malformed, forged, expired or not ours. */
  async verify(token: string): Promise<PartnerPrincipal | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<{ sub?: unknown; scope?: unknown }>(token, {
        secret: this.config.tokens.secret,
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      if (typeof claims.sub !== 'string' || typeof claims.scope !== 'string') return undefined;
      return { clientId: claims.sub, scopes: claims.scope.split(' ').filter(Boolean) };
    } catch {
      return undefined;
    }
  }
}
