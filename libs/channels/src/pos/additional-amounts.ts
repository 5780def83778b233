import type { AccountBalance, AccountType } from '#bank-core';
import { currencyNumeric } from '#domain';

/** Field 54 holds at most 120 characters: six 20-character amounts. */
export const MAX_AMOUNTS = 6;

const ACCOUNT_TYPE_CODES: Readonly<Record<AccountType, string>> = {
  DEFAULT: '00',
  SAVINGS: '10',
  CHECKING: '20',
  CREDIT: '30',
};
const LEDGER = '01';
const AVAILABLE = '02';
const MAX_MINOR = 999_999_999_999n;

/**
 * ISO 8583:1987 field 54 ("additional amounts") for a balance answer: per account an available
 * (02) and a ledger (01) entry, each account type (2) + amount type (2) + ISO 4217 numeric
 * currency (3) + sign C/D (1) + 12-digit minor units. Available comes first because terminals that
 * print a single amount print the first one, and available is what a cardholder asks for. Accounts
 * beyond the sixth amount are left out (the pipeline lists them in the issuer's order).
 */
export function additionalAmounts(balances: readonly AccountBalance[]): string {
  const entries: string[] = [];
  for (const b of balances) {
    if (entries.length + 2 > MAX_AMOUNTS) break;
    const type = ACCOUNT_TYPE_CODES[b.type];
    const currency = currencyNumeric(b.currency);
    entries.push(amount(type, AVAILABLE, currency, b.available), amount(type, LEDGER, currency, b.ledger));
  }
  return entries.join('');
}

function amount(accountType: string, amountType: string, currency: string, minor: bigint): string {
  const magnitude = minor < 0n ? -minor : minor;
  // Twelve digits reach 9,999,999,999.99 in a 2-decimal currency; beyond it a terminal would print a wrong figure.
  if (magnitude > MAX_MINOR) throw new RangeError('an amount does not fit the 12 digits of field 54');
  return `${accountType}${amountType}${currency}${minor < 0n ? 'D' : 'C'}${magnitude.toString().padStart(12, '0')}`;
}

/** Processing code positions 3-4 (the "from" account type): the account asked for, 'ANY' for 00. */
export function accountTypeFromProcessingCode(processingCode: string): AccountType | 'ANY' | 'UNSUPPORTED' {
  switch (processingCode.slice(2, 4)) {
    case '00':
      return 'ANY';
    case '10':
      return 'SAVINGS';
    case '20':
      return 'CHECKING';
    case '30':
      return 'CREDIT';
    default:
      return 'UNSUPPORTED';
  }
}
