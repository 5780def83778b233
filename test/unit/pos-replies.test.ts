import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '#pipeline';
import { accountTypeFromProcessingCode, additionalAmounts } from '../../libs/channels/src/pos/additional-amounts.js';
import { posResponseCode } from '../../libs/channels/src/pos/pos-response-code.js';

const balance = (type: 'DEFAULT' | 'SAVINGS' | 'CHECKING' | 'CREDIT', currency: string, available: bigint, ledger: bigint) => ({
  accountId: `a-${type}`,
  type,
  currency,
  available,
  ledger,
  pending: ledger - available,
});

describe('POS field 39 (issue 4 response-code table)', () => {
  it('maps every outcome to the code the issue lists', () => {
    const table = Object.fromEntries(OUTCOMES.map((o) => [o, posResponseCode(o)]));
    expect(table).toEqual({
      APPROVED: '00',
      FORMAT_ERROR: '30',
      UNAUTHENTICATED: '58',
      REQUESTER_NOT_PERMITTED: '58',
      NO_SUCH_ISSUER: '15',
      UNKNOWN_CARD: '14',
      EXPIRED_CARD: '54',
      CARD_BLOCKED: '62',
      WRONG_PIN: '55',
      PIN_TRIES_EXCEEDED: '75',
      NOT_PERMITTED: '57',
      RATE_LIMITED: '65',
      DUPLICATE: '94',
      ISSUER_UNAVAILABLE: '91',
      SECURITY_ERROR: '63',
      SYSTEM_ERROR: '96',
    });
  });
});

describe('POS field 54 (additional amounts)', () => {
  it('the demo checking + savings card: available then ledger per account, 20 characters each', () => {
    const f54 = additionalAmounts([balance('CHECKING', 'USD', 123456n, 130000n), balance('SAVINGS', 'USD', 1000000n, 1000000n)]);
    expect(f54.match(/.{20}/g)).toEqual([
      '2002840C000000123456',
      '2001840C000000130000',
      '1002840C000001000000',
      '1001840C000001000000',
    ]);
  });

  it('a negative amount (credit owed) is signed D; CNY has its numeric code 156', () => {
    expect(additionalAmounts([balance('CREDIT', 'CNY', -2500n, -2500n)])).toBe('3002156D0000000025003001156D000000002500');
  });

  it('at most six amounts (120 characters): a fourth account is left out', () => {
    const four = ['DEFAULT', 'SAVINGS', 'CHECKING', 'CREDIT'] as const;
    const f54 = additionalAmounts(four.map((t) => balance(t, 'USD', 1n, 1n)));
    expect(f54).toHaveLength(120);
    expect(f54).not.toContain('3002');
  });

  it('refuses an amount that does not fit 12 digits rather than print a wrong figure', () => {
    expect(() => additionalAmounts([balance('DEFAULT', 'USD', 10n ** 12n, 0n)])).toThrow(/12 digits/);
  });

  it('processing code 31xx00 / 30xx00: the account type asked for', () => {
    expect(accountTypeFromProcessingCode('310000')).toBe('ANY');
    expect(accountTypeFromProcessingCode('311000')).toBe('SAVINGS');
    expect(accountTypeFromProcessingCode('302000')).toBe('CHECKING');
    expect(accountTypeFromProcessingCode('313000')).toBe('CREDIT');
    expect(accountTypeFromProcessingCode('314000')).toBe('UNSUPPORTED');
  });
});
