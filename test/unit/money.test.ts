import { describe, expect, it } from 'vitest';
import { currencySymbol, formatAmount, formatMoney } from '#domain';

describe('formatAmount options', () => {
  it('groups thousands by default, as every channel has shown them', () => {
    expect(formatAmount(123456789n, 'USD')).toBe('1,234,567.89');
    expect(formatAmount(123456789n, 'USD', {})).toBe('1,234,567.89');
    expect(formatAmount(-123456n, 'JPY')).toBe('-123,456');
  });

  it('leaves the separators out when asked, never rounding', () => {
    expect(formatAmount(123456789n, 'USD', { grouping: false })).toBe('1234567.89');
    expect(formatAmount(-100001n, 'CNY', { grouping: false })).toBe('-1000.01');
    expect(formatAmount(10n ** 20n + 1n, 'USD', { grouping: false })).toBe('1000000000000000000.01');
  });
});

describe('formatMoney', () => {
  it('puts the code after the amount, as the page did before the setting existed', () => {
    expect(formatMoney(123456n, 'USD', { currency: 'code', grouping: true })).toBe('1,234.56 USD');
    expect(formatMoney(-500n, 'CNY', { currency: 'code', grouping: false })).toBe('-5.00 CNY');
  });

  it('puts a symbol before the amount and the sign before the symbol', () => {
    expect(formatMoney(123456n, 'USD', { currency: 'symbol', grouping: true })).toBe('$1,234.56');
    expect(formatMoney(123456n, 'CNY', { currency: 'symbol', grouping: false })).toBe('¥1234.56');
    expect(formatMoney(-500n, 'GBP', { currency: 'symbol' })).toBe('-£5.00');
    expect(formatMoney(1000n, 'JPY', { currency: 'symbol' })).toBe('JP¥1,000');
  });

  it('tells apart the currencies that share a sign', () => {
    expect(new Set(['USD', 'HKD', 'CNY', 'JPY'].map(currencySymbol)).size).toBe(4);
    expect(() => currencySymbol('XXX')).toThrow(RangeError);
  });
});
