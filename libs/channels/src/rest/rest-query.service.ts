import { Inject, Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, type TransactionType } from '#bank-core';
import { BalancePipeline, type BalanceQuery, type OutcomeCode, type QueryResult, type Question } from '#pipeline';
import type { PartnerPrincipal } from './auth/partner-principal.js';
import { refusal } from './http/outcome.problem.js';
import type { RestReply } from './http/rest-reply.js';
import { balanceInquiryBody, describeIssues, salvageCard, transactionSearchBody } from './rest.schemas.js';

const DEFAULT_PAGE = 20;

/** Builds pipeline queries from REST bodies and renders the results as the partner API's JSON. */
@Injectable()
export class RestQueryService {
  constructor(@Inject(BalancePipeline) private readonly pipeline: BalancePipeline) {}

  async balance(partner: PartnerPrincipal, body: unknown, correlationId: string): Promise<RestReply> {
    const parsed = balanceInquiryBody.safeParse(body);
    const result = await this.pipeline.run(
      this.query(partner, correlationId, parsed.success ? parsed.data : salvageCard(body), { kind: 'balance' }, parsed.error && describeIssues(parsed.error)),
    );
    if (result.outcome !== 'APPROVED') return refusal(result);
    return { status: 200, body: renderBalance(result) };
  }

  async transactions(partner: PartnerPrincipal, body: unknown, correlationId: string): Promise<RestReply> {
    const parsed = transactionSearchBody.safeParse(body);
    const problems = parsed.error ? describeIssues(parsed.error) : [];
    let question: Question = { kind: 'transactions', from: new Date(0), to: new Date(1), limit: DEFAULT_PAGE };
    if (parsed.success) {
      const b = parsed.data;
      const after = b.cursor === undefined ? undefined : decodeCursor(b.cursor);
      if (after === null) problems.push('cursor: is not a cursor this API issued');
      question = {
        kind: 'transactions',
        from: startOf(b.from),
        to: endOf(b.to),
        types: b.types?.map((t) => t.toUpperCase() as TransactionType),
        limit: b.limit ?? DEFAULT_PAGE,
        after: after ?? undefined,
      };
    }
    const card = parsed.success ? parsed.data : salvageCard(body);
    const result = await this.pipeline.run(this.query(partner, correlationId, card, question, problems.length ? problems : undefined));
    if (result.outcome !== 'APPROVED') return refusal(result);
    const page = result.transactions ?? { items: [] };
    return {
      status: 200,
      body: {
        inquiryId: result.correlationId,
        card: { last4: result.card?.last4, issuer: result.card?.issuerCode },
        transactions: page.items.map((t) => ({
          id: t.id,
          postedAt: t.postedAt.toISOString(),
          type: t.type.toLowerCase(),
          amount: Number(t.amount),
          currency: t.currency,
          description: t.description,
        })),
        nextCursor: page.next ? encodeCursor(page.next) : null,
      },
    };
  }

  /**
   * Before a stored answer is given again: the refusal to send instead when the client may no
   * longer ask this question (revoked, secret rotated, scope withdrawn); the replay is audited.
   */
  async admitReplay(partner: PartnerPrincipal, body: unknown, correlationId: string, kind: Question['kind'], outcome: OutcomeCode): Promise<RestReply | undefined> {
    const question: Question = kind === 'balance' ? { kind } : { kind, from: new Date(0), to: new Date(1), limit: DEFAULT_PAGE };
    const result = await this.pipeline.replay(this.query(partner, correlationId, salvageCard(body), question, undefined), outcome);
    return result.outcome === outcome ? undefined : refusal(result);
  }

  private query(
    partner: PartnerPrincipal,
    correlationId: string,
    card: { pan: string; expiry?: string },
    question: Question,
    problems: string[] | undefined,
  ): BalanceQuery {
    return {
      channel: 'rest',
      correlationId,
      requester: { kind: 'partner', clientId: partner.clientId, scopes: partner.scopes, issuedAt: partner.issuedAt },
      card: { pan: card.pan, expiry: card.expiry },
      credential: { kind: 'requester' },
      question,
      problems,
    };
  }
}

function renderBalance(result: QueryResult) {
  return {
    inquiryId: result.correlationId,
    card: { last4: result.card?.last4, issuer: result.card?.issuerCode },
    accounts: (result.balances ?? []).map((a) => ({
      type: a.type.toLowerCase(),
      currency: a.currency,
      available: Number(a.available),
      ledger: Number(a.ledger),
      pending: Number(a.pending),
    })),
    asOf: result.asOf.toISOString(),
  };
}

/** A bare date means the whole day (UTC): `from` at its start, `to` through its end. */
function startOf(value: string): Date {
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
}

function endOf(value: string): Date {
  if (value.length !== 10) return new Date(value);
  return new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000);
}
