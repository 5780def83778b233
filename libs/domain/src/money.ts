/**
 * Minor units per ISO 4217 currency (alpha code → exponent, numeric code) and the symbol shown
 * when a reader prefers symbols. Symbols that two currencies share are told apart (HK$, JP¥): a
 * cardholder of a Chinese bank reads ¥ as yuan.
 */
const CURRENCIES: Record<string, { exponent: number; numeric: string; symbol: string }> = {
  USD: { exponent: 2, numeric: '840', symbol: '$' },
  CNY: { exponent: 2, numeric: '156', symbol: '¥' },
  EUR: { exponent: 2, numeric: '978', symbol: '€' },
  GBP: { exponent: 2, numeric: '826', symbol: '£' },
  HKD: { exponent: 2, numeric: '344', symbol: 'HK$' },
  JPY: { exponent: 0, numeric: '392', symbol: 'JP¥' },
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

export interface AmountOptions {
  /** Thousands separators (`1,234.56`); default true. Off: `1234.56`. */
  readonly grouping?: boolean;
}

/** Integer minor units as `-1,234.56`; bigint all the way, so no amount is ever rounded. */
export function formatAmount(minor: bigint, currency: string, options: AmountOptions = {}): string {
  const exponent = currencyExponent(currency);
  const scale = 10n ** BigInt(exponent);
  const magnitude = minor < 0n ? -minor : minor;
  const digits = (magnitude / scale).toString();
  const whole = options.grouping === false ? digits : digits.replace(/\B(?=(\d{3})+$)/g, ',');
  const fraction = exponent > 0 ? `.${(magnitude % scale).toString().padStart(exponent, '0')}` : '';
  return `${minor < 0n ? '-' : ''}${whole}${fraction}`;
}

/** How a reader wants money shown: the ISO code after the amount (`1,234.56 USD`) or a symbol before it (`$1,234.56`). */
export interface MoneyStyle extends AmountOptions {
  readonly currency: 'code' | 'symbol';
}

/** An amount with its currency, as `style` says; the sign goes before a symbol (`-$5.00`). */
export function formatMoney(minor: bigint, currency: string, style: MoneyStyle): string {
  const amount = formatAmount(minor < 0n ? -minor : minor, currency, style);
  const sign = minor < 0n ? '-' : '';
  if (style.currency === 'code') return `${sign}${amount} ${currency}`;
  return `${sign}${currencySymbol(currency)}${amount}`;
}

export function currencySymbol(alpha: string): string {
  const c = CURRENCIES[alpha];
  if (!c) throw new RangeError(`unknown currency ${alpha}`);
  return c.symbol;
}
