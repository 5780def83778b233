import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import type { PartnerPrincipal } from './partner-principal.js';

const ISSUER = 'saldo';
const AUDIENCE = 'saldo-partner-api';
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

interface Claims {
  iss?: unknown;
  aud?: unknown;
  sub?: unknown;
  scope?: unknown;
  exp?: unknown;
  nbf?: unknown;
  iat?: unknown;
}

/**
 * Short-lived bearer tokens for partner clients (OAuth2 client credentials): JWT, HS256 only (RFC
 * 7519 / 7515). Written against node:crypto with one prepared key because a general JWT library
 * probes every secret as a public key first, which cost a tenth of the gateway's CPU per request;
 * the verifier accepts nothing but the exact header this service issues.
 */
@Injectable()
export class AccessTokenService {
  private readonly key: KeyObject;
  readonly ttlSeconds: number;

  constructor(@Inject(SaldoConfig) config: SaldoConfig) {
    this.key = createSecretKey(Buffer.from(config.tokens.secret, 'utf8'));
    this.ttlSeconds = config.tokens.ttlSeconds;
  }

  async issue(principal: PartnerPrincipal): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: principal.clientId, scope: principal.scopes.join(' '), iat: now, nbf: now, exp: now + this.ttlSeconds };
    const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${signingInput}.${this.sign(signingInput)}`;
  }

  /** The principal, or undefined for a token that is malformed, forged, expired or not ours. */
  async verify(token: string): Promise<PartnerPrincipal | undefined> {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== ISSUER || claims.aud !== AUDIENCE) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp <= now) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > now + 5) return undefined;
    if (typeof claims.sub !== 'string' || typeof claims.scope !== 'string') return undefined;
    const issuedAt = typeof claims.iat === 'number' ? claims.iat : undefined;
    return { clientId: claims.sub, scopes: claims.scope.split(' ').filter(Boolean), issuedAt };
  }

  private sign(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url');
  }
}
