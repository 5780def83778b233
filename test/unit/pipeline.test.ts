import { beforeEach, describe, expect, it } from 'vitest';
import { IssuerCorePort, IssuerUnavailableError, type AccountBalance, type CoreCard, type TransactionPage } from '#bank-core';
import { SaldoConfig } from '#config';
import { Pan } from '#domain';
import { KeyAdmin, MemoryKeyStore, SoftwareHsm } from '#hsm';
import { RateLimitService, RedisConnections } from '#platform';
import {
  AuditSink,
  BalancePipeline,
  IssuerDirectory,
  RequesterDirectory,
  type AuditRow,
  type BalanceQuery,
  type IssuerRoute,
  type RequesterLookup,
} from '#pipeline';
import { ValidateStep } from '../../libs/pipeline/src/steps/validate.step.js';
import { IdentifyRequesterStep } from '../../libs/pipeline/src/steps/identify-requester.step.js';
import { RateLimitStep } from '../../libs/pipeline/src/steps/rate-limit.step.js';
import { RouteIssuerStep } from '../../libs/pipeline/src/steps/route-issuer.step.js';
import { ResolveCardStep } from '../../libs/pipeline/src/steps/resolve-card.step.js';
import { CardChecksStep } from '../../libs/pipeline/src/steps/card-checks.step.js';
import { VerifyCredentialStep } from '../../libs/pipeline/src/steps/verify-credential.step.js';
import { ReadBalancesStep } from '../../libs/pipeline/src/steps/read-balances.step.js';
import { ReadTransactionsStep } from '../../libs/pipeline/src/steps/read-transactions.step.js';
import { AuditStep } from '../../libs/pipeline/src/steps/audit.step.js';

// Twins at the ports only: the steps, the pipeline, the software HSM and the limiter are real.
const ISSUER: IssuerRoute = { id: 'iss-1', code: 'HARBOR', name: 'Harbor Bank', currency: 'USD', locale: 'en-US' };
const PAN = '4761739001010010';

class Directory extends RequesterDirectory {
  rotatedAt?: Date;
  async resolve(): Promise<RequesterLookup> {
    return { found: true, requester: { label: 'partner:test', issuerAccess: 'all' }, scopes: new Set(['balances:read']), credentialsSince: this.rotatedAt };
  }
}
class Issuers extends IssuerDirectory {
  async route(pan: Pan) {
    return pan.bin === '476173' ? ISSUER : undefined;
  }
  async byId(id: string) {
    return id === ISSUER.id ? ISSUER : undefined;
  }
}
class Core extends IssuerCorePort {
  mode: 'ok' | 'down' | 'bug' = 'ok';
  card?: CoreCard;
  async findCard(): Promise<CoreCard | undefined> {
    if (this.mode === 'down') throw new IssuerUnavailableError('connection refused');
    if (this.mode === 'bug') throw new TypeError('a bug');
    return this.card;
  }
  async readBalances(): Promise<AccountBalance[]> {
    return [{ accountId: 'a', type: 'CHECKING', currency: 'USD', available: 5n, ledger: 6n, pending: 1n }];
  }
  async searchTransactions(): Promise<TransactionPage> {
    return { items: [] };
  }
  async recordPinFailure() {
    return { tries: 1, locked: false };
  }
  async resetPinTries() {}
}
class Sink extends AuditSink {
  rows: AuditRow[] = [];
  failing = false;
  async record(row: AuditRow) {
    if (this.failing) throw new Error('disk full');
    this.rows.push(row);
  }
}

describe('BalancePipeline', () => {
  let core: Core;
  let sink: Sink;
  let directory: Directory;
  let pipeline: BalancePipeline;
  let n = 0;
  const query = (over: Partial<BalanceQuery> = {}): BalanceQuery => ({
    channel: 'rest',
    correlationId: `q-${++n}`,
    requester: { kind: 'partner', clientId: 'test', scopes: ['balances:read'] },
    card: { pan: PAN },
    credential: { kind: 'requester' },
    question: { kind: 'balance' },
    ...over,
  });

  beforeEach(async () => {
    const config = new SaldoConfig({ RATE_CARD_PER_MINUTE: '2' });
    const keys = new MemoryKeyStore();
    await new KeyAdmin(config.hsm.lmkHex, keys).generateKey({ ref: 'PAN_HASH', type: 'PAN_HASH', algorithm: 'HMAC' });
    const crypto = new SoftwareHsm(config.hsm.lmkHex, keys);
    const limits = new RateLimitService(config, new RedisConnections(config));
    core = new Core();
    core.card = { id: 'c1', issuerId: ISSUER.id, cardholderId: 'h', last4: '0010', expiry: '3012', status: 'ACTIVE', pinMethod: null, pinVerificationData: null, pinTries: 0, pinLocked: false };
    sink = new Sink();
    pipeline = new BalancePipeline(
      new ValidateStep(),
      new IdentifyRequesterStep((directory = new Directory())),
      new RateLimitStep(limits, crypto),
      new RouteIssuerStep(new Issuers()),
      new ResolveCardStep(core),
      new CardChecksStep(),
      new VerifyCredentialStep(crypto, core),
      new ReadBalancesStep(core),
      new ReadTransactionsStep(core),
      new AuditStep(sink),
    );
  });

  it('lists its steps in the documented order', () => {
    expect(pipeline.steps.map((s) => s.name)).toEqual([
      'validate',
      'identify-requester',
      'rate-limit',
      'route-issuer',
      'resolve-card',
      'card-checks',
      'verify-credential',
      'read-balances',
      'read-transactions',
    ]);
  });

  it('approves and audits one row with the card masked', async () => {
    const result = await pipeline.run(query());
    expect(result.outcome).toBe('APPROVED');
    expect(result.balances).toHaveLength(1);
    expect(sink.rows).toHaveLength(1);
    expect(sink.rows[0]).toMatchObject({ outcome: 'APPROVED', cardMasked: '476173******0010', issuerCode: 'HARBOR', requester: 'partner:test' });
  });

  it('turns an issuer core that does not answer into ISSUER_UNAVAILABLE, audited', async () => {
    core.mode = 'down';
    const result = await pipeline.run(query());
    expect(result.outcome).toBe('ISSUER_UNAVAILABLE');
    expect(result.balances).toBeUndefined();
    expect(sink.rows.map((r) => r.outcome)).toEqual(['ISSUER_UNAVAILABLE']);
  });

  it('turns a bug in a step into SYSTEM_ERROR, audited, without throwing to the channel', async () => {
    core.mode = 'bug';
    expect((await pipeline.run(query())).outcome).toBe('SYSTEM_ERROR');
    expect(sink.rows.map((r) => r.outcome)).toEqual(['SYSTEM_ERROR']);
  });

  it('answers nothing but SYSTEM_ERROR when its audit row cannot be written', async () => {
    sink.failing = true;
    const result = await pipeline.run(query());
    expect(result.outcome).toBe('SYSTEM_ERROR');
    expect(result.balances).toBeUndefined();
    expect(result.card).toBeUndefined();
  });

  it('stops at the first refusing step and still audits', async () => {
    const result = await pipeline.run(query({ card: { pan: '4761739001010011' } }));
    expect(result.outcome).toBe('FORMAT_ERROR');
    expect(sink.rows[0]).toMatchObject({ outcome: 'FORMAT_ERROR', cardMasked: null });
  });

  it('limits per card with the configured limit', async () => {
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await pipeline.run(query())).outcome);
    expect(outcomes).toEqual(['APPROVED', 'APPROVED', 'RATE_LIMITED']);
  });

  it('refuses a partner token issued before the client secret was rotated, not one issued in or after that second', async () => {
    const rotatedAt = new Date('2026-12-03T08:00:00.500Z');
    directory.rotatedAt = rotatedAt;
    const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    const asked = (issuedAt: number) => pipeline.run(query({ requester: { kind: 'partner', clientId: 'test', scopes: ['balances:read'], issuedAt } }));
    const before = await asked(at('2026-12-03T07:59:59Z'));
    expect(before).toMatchObject({ outcome: 'UNAUTHENTICATED', reason: 'token issued before the client secret was rotated' });
    expect(sink.rows.at(-1)?.outcome).toBe('UNAUTHENTICATED');
    expect((await asked(at('2026-12-03T08:00:00Z'))).outcome).toBe('APPROVED');
    expect((await asked(at('2026-12-03T08:05:00Z'))).outcome).toBe('APPROVED');
  });

  it('refuses a requester without the scope the question needs', async () => {
    const result = await pipeline.run(query({ question: { kind: 'transactions', from: new Date(0), to: new Date(), limit: 5 } }));
    expect(result.outcome).toBe('REQUESTER_NOT_PERMITTED');
  });

  it('takes a card token for its own cardholder\'s card only, and audits that a token stood in for the PIN', async () => {
    const onFile = { onFile: { panHash: 'h-0010', issuerId: ISSUER.id, bin: '476173', last4: '0010' } };
    const mine = await pipeline.run(query({ card: onFile, credential: { kind: 'card-token', cardholderId: 'h' } }));
    expect(mine.outcome).toBe('APPROVED');
    expect(sink.rows[0]).toMatchObject({ outcome: 'APPROVED', detail: { credential: 'card-token' } });
    const theirs = await pipeline.run(query({ card: onFile, credential: { kind: 'card-token', cardholderId: 'someone else' } }));
    expect(theirs.outcome).toBe('UNKNOWN_CARD');
    expect(theirs.balances).toBeUndefined();
  });
});
