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

/** Integer minor units as `-1,234.56`; bigint all the way, so no amount is ever rounded. */
export function formatAmount(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const scale = 10n ** BigInt(exponent);
  const magnitude = minor < 0n ? -minor : minor;
  const whole = (magnitude / scale).toString().replace(/\B(?=(\d{3})+$)/g, ',');
  const fraction = exponent > 0 ? `.${(magnitude % scale).toString().padStart(exponent, '0')}` : '';
  return `${minor < 0n ? '-' : ''}${whole}${fraction}`;
}
