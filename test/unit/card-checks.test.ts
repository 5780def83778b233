import { describe, expect, it } from 'vitest';
import { isExpired } from '../../libs/pipeline/src/steps/card-checks.step.js';

describe('card expiry', () => {
  it('is valid through the last moment of its month (UTC)', () => {
    expect(isExpired('3012', new Date('2030-12-31T23:59:59.999Z'))).toBe(false);
    expect(isExpired('3012', new Date('2031-01-01T00:00:00Z'))).toBe(true);
    expect(isExpired('2001', new Date('2026-11-25T00:00:00Z'))).toBe(true);
    expect(isExpired('2602', new Date('2026-02-28T12:00:00Z'))).toBe(false);
  });
});
