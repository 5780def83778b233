/** Minor units per ISO 4217 currency (alpha code → exponent, numeric code). */
const CURRENCIES: Record<string, { exponent: number; numeric: string }> = {
  USD: { exponent: 2, numeric: '840' },
  CNY: { exponent: 2, numeric: '156' },
  EUR: { exponent: 2, numeric: '978' },
  GBP: { exponent: 2, numeric: '826' },
  HKD: { exponent: 2, numeric: '344' },
  JPY: { exponent: 0, numeric: '392' },
};

export function currencyExponent(alpha: string): number {
  const c = CURRENCIES[alpha];
  if (!c) throw new RangeError(`unknown currency ${alpha}`);
  return c.exponent;
}

export function currencyNumeric(alpha: string): string {
  const c = CURRENCIES[alpha];
  if (!c) throw new RangeError(`unknown currency ${alpha}`);
  return c.numeric;
}

export interface Money {
  /** Integer minor units. */
  readonly minor: bigint;
  /** ISO 4217 alpha code. */
  readonly currency: string;
}
