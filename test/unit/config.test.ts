import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_LMK, SaldoConfig } from '#config';

describe('SaldoConfig', () => {
  it('defaults to the embedded mode: PGlite, in-process jobs, development keys', () => {
    const c = new SaldoConfig({});
    expect(c.database).toEqual({ driver: 'pglite', dataDir: './data' });
    expect(c.redis).toBeUndefined();
    expect(c.workerInProcess).toBe(true);
    expect(c.hsm.usesDevelopmentLmk).toBe(true);
    expect(c.http.publicBaseUrl).toBe('http://127.0.0.1:3000');
  });

  it('runs the worker separately when PostgreSQL and Redis are configured', () => {
    const c = new SaldoConfig({ DATABASE_URL: 'postgresql://u@h/db', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(c.database.driver).toBe('postgres');
    expect(c.workerInProcess).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ HSM_LMK: 'ABCD' }, 'HSM_LMK'],
    [{ RATE_CARD_PER_MINUTE: '0' }, 'RATE_CARD_PER_MINUTE'],
    [{ TOKEN_SECRET: 'short' }, 'TOKEN_SECRET'],
  ])('names the variable of a bad value (%o)', (env, name) => {
    expect(() => new SaldoConfig(env)).toThrow(ConfigError);
    expect(() => new SaldoConfig(env)).toThrow(name);
  });

  it('reads POS group listeners as port:profile:framing and names what is wrong with an entry', () => {
    expect(new SaldoConfig({}).pos.groupListeners).toEqual([]);
    expect(new SaldoConfig({ POS_GROUP_LISTENERS: '8584:iso87b:binary2, 8585:iso87a:bcd2-tpdu' }).pos.groupListeners).toEqual([
      { port: 8584, profile: 'iso87b', framing: 'binary2' },
      { port: 8585, profile: 'iso87a', framing: 'bcd2-tpdu' },
    ]);
    expect(() => new SaldoConfig({ POS_GROUP_LISTENERS: '8584:iso93:binary2' })).toThrow(/POS_GROUP_LISTENERS: "8584:iso93:binary2" names profile "iso93"/);
    expect(() => new SaldoConfig({ POS_GROUP_LISTENERS: '8584:iso87b' })).toThrow(/names framing ""/);
    expect(() => new SaldoConfig({ POS_GROUP_LISTENERS: 'port:iso87b:binary2' })).toThrow(/has no valid port/);
    expect(() => new SaldoConfig({ POS_GROUP_LISTENERS: '8583:iso87b:binary2' })).toThrow(/uses port 8583 twice/);
    expect(() => new SaldoConfig({ POS_GROUP_LISTENERS: '8584:iso87b:binary2,8584:iso87a:ascii4' })).toThrow(/uses port 8584 twice/);
    expect(new SaldoConfig({ POS_PORT: '0', POS_GROUP_LISTENERS: '0:iso87b:binary2,0:iso87a:ascii4' }).pos.groupListeners).toHaveLength(2);
  });

  it('refuses the development LMK and token secret in production', () => {
    expect(() => new SaldoConfig({ NODE_ENV: 'production' })).toThrow(/HSM_LMK/);
    const lmk = 'A'.repeat(64);
    expect(() => new SaldoConfig({ NODE_ENV: 'production', HSM_LMK: lmk })).toThrow(/TOKEN_SECRET/);
    const ok = new SaldoConfig({ NODE_ENV: 'production', HSM_LMK: lmk, TOKEN_SECRET: 'x'.repeat(40) });
    expect(ok.hsm.lmkHex).not.toBe(DEV_LMK);
  });

  it('trusts X-Forwarded-For only from the listed proxies, and names a bad list', () => {
    expect(new SaldoConfig({}).http.trustedProxies).toEqual([]);
    expect(new SaldoConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).http.trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(() => new SaldoConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('refuses a separate worker without Redis or with the embedded database', () => {
    expect(() => new SaldoConfig({ WORKER_IN_PROCESS: 'false' })).toThrow(/REDIS_URL/);
    expect(() => new SaldoConfig({ WORKER_IN_PROCESS: 'false', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/DATABASE_URL/);
  });
});
