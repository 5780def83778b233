import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SaldoConfig } from '#config';
import { AccessTokenService } from '../../libs/channels/src/rest/auth/access-token.service.js';

const config = new SaldoConfig({ TOKEN_SECRET: 'a-test-secret-that-is-long-enough-000', TOKEN_TTL_SECONDS: '60' });
const tokens = new AccessTokenService(config);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const sign = (input: string, secret = 'a-test-secret-that-is-long-enough-000') =>
  createHmac('sha256', secret).update(input).digest('base64url');
const forge = (header: unknown, claims: unknown, secret?: string) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(input, secret)}`;
};
const now = () => Math.floor(Date.now() / 1000);
const good = () => ({ iss: 'saldo', aud: 'saldo-partner-api', sub: 'wallet-app', scope: 'balances:read', exp: now() + 60 });

describe('AccessTokenService', () => {
  it('round-trips a principal', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await tokens.issue({ clientId: 'wallet-app', scopes: ['balances:read', 'transactions:read'] });
    const principal = await tokens.verify(token);
    expect(principal).toEqual({ clientId: 'wallet-app', scopes: ['balances:read', 'transactions:read'], issuedAt: expect.any(Number) });
    // The issue time is what a secret rotation is compared with.
    expect(principal!.issuedAt! - before).toBeGreaterThanOrEqual(0);
    expect(principal!.issuedAt! - before).toBeLessThanOrEqual(1);
  });

  it('accepts a token built independently to the JWT spec (interoperability)', async () => {
    expect(await tokens.verify(forge({ alg: 'HS256', typ: 'JWT' }, good()))).toMatchObject({ clientId: 'wallet-app', scopes: ['balances:read'] });
  });

  it.each([
    ['another secret', () => forge({ alg: 'HS256', typ: 'JWT' }, good(), 'another-secret-another-secret-0000')],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good())}.`],
    ['expired', () => forge({ alg: 'HS256', typ: 'JWT' }, { ...good(), exp: now() - 1 })],
    ['no expiry', () => forge({ alg: 'HS256', typ: 'JWT' }, { ...good(), exp: undefined })],
    ['another audience', () => forge({ alg: 'HS256', typ: 'JWT' }, { ...good(), aud: 'someone-else' })],
    ['another issuer', () => forge({ alg: 'HS256', typ: 'JWT' }, { ...good(), iss: 'evil' })],
    ['a tampered payload', () => {
      const [h, , s] = forge({ alg: 'HS256', typ: 'JWT' }, good()).split('.');
      return `${h}.${b64({ ...good(), sub: 'harbor-app' })}.${s}`;
    }],
    ['garbage', () => 'not.a.token'],
  ])('refuses %s', async (_, make) => {
    expect(await tokens.verify(make())).toBeUndefined();
  });
});
