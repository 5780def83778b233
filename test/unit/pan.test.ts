import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { luhnValid, Pan } from '#domain';

describe('Pan', () => {
  it('accepts a Luhn-valid PAN and masks every printable form (first 6, last 4)', () => {
    const parsed = Pan.parse('4761739001010010');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const pan = parsed.pan;
    expect(pan.digits()).toBe('4761739001010010');
    expect(String(pan)).toBe('476173******0010');
    expect(`${pan}`).toBe('476173******0010');
    expect(JSON.stringify({ pan })).toBe('{"pan":"476173******0010"}');
    expect(inspect({ pan })).not.toContain('4761739001010010');
    expect(pan.bin).toBe('476173');
    expect(pan.last4).toBe('0010');
  });

  it.each([
    ['4761739001010011', 'BAD_CHECK_DIGIT'],
    ['47617390010100AB', 'NOT_DIGITS'],
    ['', 'NOT_DIGITS'],
    ['12345678901', 'BAD_LENGTH'],
    ['12345678901234567890', 'BAD_LENGTH'],
  ])('refuses %s as %s', (input, problem) => {
    expect(Pan.parse(input)).toEqual({ ok: false, problem });
  });

  it('computes the Luhn check on known numbers', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('6217000000000014')).toBe(true);
  });
});
