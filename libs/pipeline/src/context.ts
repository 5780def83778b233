import type { CoreCard, AccountBalance, CoreTransaction, TransactionPosition } from '#bank-core';
import type { Pan } from '#domain';
import type { OutcomeCode } from './outcome.js';
import type { BalanceQuery } from './query.js';

export interface ResolvedRequester {
  /** Stable audit label, e.g. "partner:harbor-app". */
  readonly label: string;
  /** Issuer ids this requester may query, or 'all'. */
  readonly issuerAccess: 'all' | ReadonlySet<string>;
  /** Set for cardholders (phones, callers): only this cardholder's cards answer. */
  readonly cardholderId?: string;
}

export interface IssuerRoute {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly currency: string;
  readonly locale: string;
}

/** The one mutable record a query's steps share (jPOS Context style), typed. */
export class QueryContext {
  readonly startedAt = process.hrtime.bigint();
  readonly receivedAt = new Date();
  requester?: ResolvedRequester;
  pan?: Pan;
  /** The card's public face (first 6, last 4) when it came from the cards on file, without a PAN. */
  cardFace?: { readonly masked: string; readonly last4: string };
  expiry?: string;
  panHash?: string;
  issuer?: IssuerRoute;
  card?: CoreCard;
  balances?: AccountBalance[];
  transactions?: { items: CoreTransaction[]; next?: TransactionPosition };
  outcome?: OutcomeCode;
  problems?: string[];
  retryAfterMs?: number;
  reason?: string;
  /** Extra audit facts (never card data). */
  auditDetail?: Record<string, string | number | boolean>;

  constructor(readonly query: BalanceQuery) {}

  /** First 6 and last 4 of the card, however the channel named it. */
  get cardMasked(): string | undefined {
    return this.pan?.masked ?? this.cardFace?.masked;
  }

  get cardLast4(): string | undefined {
    return this.pan?.last4 ?? this.cardFace?.last4;
  }

  end(outcome: OutcomeCode, extra: { reason?: string; retryAfterMs?: number; problems?: string[] } = {}): void {
    this.outcome = outcome;
    Object.assign(this, extra);
  }
}
