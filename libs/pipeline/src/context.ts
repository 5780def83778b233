import type { CoreCard, AccountBalance, CoreTransaction, TransactionPosition } from '#bank-core';
import type { Pan } from '#domain';
import type { OutcomeCode } from './outcome.js';
import type { BalanceQuery } from './query.js';

export interface ResolvedRequester {
  /** Stable audit label, e.g. "partner:harbor-app". */
  readonly label: string;
  /** Issuer ids this requester may query, or 'all'. */
  readonly issuerAccess: 'all' | ReadonlySet<string>;
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

  end(outcome: OutcomeCode, extra: { reason?: string; retryAfterMs?: number; problems?: string[] } = {}): void {
    this.outcome = outcome;
    Object.assign(this, extra);
  }
}
