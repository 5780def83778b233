import { Inject, Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { PrismaClient } from '#db';
import { RateLimitService, type RateDecision, type RateDimension } from '#platform';
import { problem } from '../http/problem.js';
import type { RestReply } from '../http/rest-reply.js';
import { AccessTokenService } from './access-token.service.js';

export interface TokenRequest {
  readonly authorization: string | undefined;
  readonly body: unknown;
  readonly ip: string;
}

// Verified against when the client id is unknown, so a miss costs the same time as a wrong secret.
const DUMMY_HASH = hash('saldo-no-such-client');

/** OAuth2 client credentials grant (RFC 6749 §4.4), secrets as argon2id hashes. */
@Injectable()
export class ClientCredentialsService {
  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(RateLimitService) private readonly limits: RateLimitService,
    @Inject(AccessTokenService) private readonly tokens: AccessTokenService,
  ) {}

  async token(req: TokenRequest): Promise<RestReply> {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'FORMAT_ERROR', 'grant_type must be client_credentials');
    }
    const credentials = fromBasic(req.authorization) ?? fromBody(body);
    if (!credentials) return oauthError(401, 'invalid_client', 'UNAUTHENTICATED', 'client credentials are required');

    // Every attempt is counted before the secret is checked, so that guesses sent in parallel
    // cannot all pass a limit that is still below its count; a right secret is given back below.
    const attempt: Array<[RateDimension, string]> = [
      ['auth-failure', credentials.clientId],
      ['auth-failure-ip', req.ip],
    ];
    const blocked = refusal(await this.limits.consumeEach(attempt));
    if (blocked) return blocked;

    const client = await this.prisma.partnerClient.findUnique({
      where: { clientId: credentials.clientId },
      select: { secretHash: true, scopes: true, status: true },
    });
    const secretOk = await verify(client?.secretHash ?? (await DUMMY_HASH), credentials.secret);
    if (!client || !secretOk || client.status !== 'ACTIVE') {
      return oauthError(401, 'invalid_client', 'UNAUTHENTICATED', 'client authentication failed');
    }
    await Promise.all(attempt.map(([dimension, key]) => this.limits.refund(dimension, key)));

    const requested = typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : client.scopes;
    if (requested.some((s) => !client.scopes.includes(s))) {
      return oauthError(400, 'invalid_scope', 'FORMAT_ERROR', 'a requested scope is not granted to this client');
    }
    const accessToken = await this.tokens.issue({ clientId: credentials.clientId, scopes: requested });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: this.tokens.ttlSeconds,
        scope: requested.join(' '),
      },
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    };
  }
}

/** The 429 for the first limit the attempt went over, if any. */
function refusal(decisions: readonly RateDecision[]): RestReply | undefined {
  const refused = decisions.find((d) => !d.allowed);
  if (!refused || refused.allowed) return undefined;
  return {
    status: 429,
    body: problem(429, 'RATE_LIMITED', 'Too many failed authentications', { error: 'invalid_client' }),
    headers: { 'retry-after': String(Math.ceil(refused.retryAfterMs / 1000)) },
  };
}

function fromBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

function fromBody(body: Record<string, unknown>): { clientId: string; secret: string } | undefined {
  const { client_id: clientId, client_secret: secret } = body;
  if (typeof clientId !== 'string' || typeof secret !== 'string' || !clientId || !secret) return undefined;
  return { clientId, secret };
}

/** RFC 6749 §5.2 error member inside an RFC 9457 problem, so OAuth libraries and our clients both read it. */
function oauthError(status: number, error: string, code: string, detail: string): RestReply {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (status === 401) headers['www-authenticate'] = 'Basic realm="saldo"';
  return { status, body: problem(status, code, error, { error, error_description: detail, detail }), headers };
}
