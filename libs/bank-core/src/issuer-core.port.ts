/** The issuer's core system as the pipeline sees it: cards, balances, history, PIN-try state. */

export type CardStatus = 'ACTIVE' | 'BLOCKED' | 'LOST' | 'STOLEN' | 'CLOSED';
export type AccountType = 'DEFAULT' | 'SAVINGS' | 'CHECKING' | 'CREDIT';
export type TransactionType = 'PURCHASE' | 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER_IN' | 'TRANSFER_OUT' | 'FEE' | 'REFUND';

export const ACCOUNT_TYPES: readonly AccountType[] = ['DEFAULT', 'SAVINGS', 'CHECKING', 'CREDIT'];
export const TRANSACTION_TYPES: readonly TransactionType[] = [
  'PURCHASE',
  'DEPOSIT',
  'WITHDRAWAL',
  'TRANSFER_IN',
  'TRANSFER_OUT',
  'FEE',
  'REFUND',
];

export interface CoreCard {
  readonly id: string;
  readonly issuerId: string;
  readonly cardholderId: string;
  readonly last4: string;
  /** YYMM */
  readonly expiry: string;
  readonly status: CardStatus;
  readonly pinMethod: 'VISA_PVV' | 'IBM_3624_OFFSET' | null;
  readonly pinVerificationData: string | null;
  readonly pinTries: number;
  readonly pinLocked: boolean;
  /**
   * Every account's balance, when the core answers them with the card in one round trip (the
   * built-in ledger does); the pipeline then needs no second call for a balance inquiry.
   */
  readonly balances?: readonly AccountBalance[];
}

export interface AccountBalance {
  readonly accountId: string;
  readonly type: AccountType;
  /** ISO 4217 alpha code. */
  readonly currency: string;
  /** Integer minor units. */
  readonly available: bigint;
  readonly ledger: bigint;
  readonly pending: bigint;
}

export interface CoreTransaction {
  readonly id: string;
  readonly accountId: string;
  readonly postedAt: Date;
  readonly type: TransactionType;
  /** Signed minor units: credits positive, debits negative. */
  readonly amount: bigint;
  readonly currency: string;
  readonly description: string;
}

/** Keyset position: transactions come newest first, ordered by (postedAt, id). */
export interface TransactionPosition {
  readonly postedAt: Date;
  readonly id: string;
}

export interface TransactionFilter {
  readonly from: Date;
  readonly to: Date;
  readonly types?: readonly TransactionType[];
  readonly limit: number;
  readonly after?: TransactionPosition;
}

export interface TransactionPage {
  readonly items: readonly CoreTransaction[];
  readonly next?: TransactionPosition;
}

/** The issuer core could not answer (down, timed out). Business results are never errors. */
export class IssuerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuerUnavailableError';
  }
}

export abstract class IssuerCorePort {
  abstract findCard(issuerId: string, panHash: string): Promise<CoreCard | undefined>;
  abstract readBalances(cardId: string, accountType?: AccountType): Promise<AccountBalance[]>;
  abstract searchTransactions(cardId: string, filter: TransactionFilter): Promise<TransactionPage>;
  /** Counts a wrong PIN; locks the card's PIN at `maxTries`. Shared by every channel and instance. */
  abstract recordPinFailure(cardId: string, maxTries: number): Promise<{ tries: number; locked: boolean }>;
  abstract resetPinTries(cardId: string): Promise<void>;
}
