import { Inject, Injectable, Logger } from '@nestjs/common';
import { IssuerUnavailableError } from '#bank-core';
import { Pan } from '#domain';
import { QueryContext } from './context.js';
import type { OutcomeCode } from './outcome.js';
import { isCardOnFile, type BalanceQuery, type QueryResult } from './query.js';
import { faceOf } from './steps/validate.step.js';
import type { PipelineStep } from './step.js';
import { ValidateStep } from './steps/validate.step.js';
import { IdentifyRequesterStep } from './steps/identify-requester.step.js';
import { RateLimitStep } from './steps/rate-limit.step.js';
import { RouteIssuerStep } from './steps/route-issuer.step.js';
import { ResolveCardStep } from './steps/resolve-card.step.js';
import { CardChecksStep } from './steps/card-checks.step.js';
import { VerifyCredentialStep } from './steps/verify-credential.step.js';
import { ReadBalancesStep } from './steps/read-balances.step.js';
import { ReadTransactionsStep } from './steps/read-transactions.step.js';
import { AuditStep } from './steps/audit.step.js';

/**
 * The one balance-query pipeline every channel drives. Steps run in order until one ends the
 * query; the audit step then always runs, and the result is returned only after its row is
 * committed. Nothing a step throws reaches the channel: it becomes an outcome.
 */
@Injectable()
export class BalancePipeline {
  private readonly logger = new Logger('Pipeline');
  readonly steps: readonly PipelineStep[];

  constructor(
    @Inject(ValidateStep) validate: ValidateStep,
    @Inject(IdentifyRequesterStep) private readonly identify: IdentifyRequesterStep,
    @Inject(RateLimitStep) rateLimit: RateLimitStep,
    @Inject(RouteIssuerStep) routeIssuer: RouteIssuerStep,
    @Inject(ResolveCardStep) resolveCard: ResolveCardStep,
    @Inject(CardChecksStep) cardChecks: CardChecksStep,
    @Inject(VerifyCredentialStep) verifyCredential: VerifyCredentialStep,
    @Inject(ReadBalancesStep) readBalances: ReadBalancesStep,
    @Inject(ReadTransactionsStep) readTransactions: ReadTransactionsStep,
    @Inject(AuditStep) private readonly audit: AuditStep,
  ) {
    this.steps = [
      validate,
      identify,
      rateLimit,
      routeIssuer,
      resolveCard,
      cardChecks,
      verifyCredential,
      readBalances,
      readTransactions,
    ];
  }

  async run(query: BalanceQuery): Promise<QueryResult> {
    const ctx = new QueryContext(query);
    for (const step of this.steps) {
      try {
        // Awaiting a step that returned nothing would still cost a microtask turn per step.
        const running = step.run(ctx);
        if (running) await running;
      } catch (err) {
        this.fail(ctx, step.name, err);
      }
      if (ctx.outcome) break;
    }
    ctx.outcome ??= 'APPROVED';
    return this.audited(ctx);
  }

  /**
   * The audit row of a query the channel ended before any step could run (a bad MAC, a reused
   * message key): every query ends in one row, whoever ended it. The card is recorded masked when
   * its number parses. (A stored answer given again goes through `replay`.)
   */
  async record(
    query: BalanceQuery,
    outcome: OutcomeCode,
    detail?: Record<string, string | number | boolean>,
  ): Promise<QueryResult> {
    const ctx = contextWithCard(query);
    ctx.end(outcome);
    ctx.auditDetail = detail;
    return this.audited(ctx);
  }

  /**
   * A stored answer about to be given again (a POS duplicate, a REST idempotent replay): the
   * requester must still be allowed — a revoked client, a rotated secret or a withdrawn scope is
   * refused now rather than answered from memory — and the replay is audited like any query, with
   * the stored outcome.
   */
  async replay(query: BalanceQuery, outcome: OutcomeCode): Promise<QueryResult> {
    const ctx = contextWithCard(query);
    try {
      await this.identify.run(ctx);
    } catch (err) {
      this.fail(ctx, this.identify.name, err);
    }
    if (!ctx.outcome) ctx.end(outcome);
    ctx.auditDetail = { replay: true };
    return this.audited(ctx);
  }

  private async audited(ctx: QueryContext): Promise<QueryResult> {
    try {
      await this.audit.run(ctx);
    } catch (err) {
      // No committed audit row, no answer: the query is refused as a system error.
      this.logger.error(`audit write failed for ${ctx.query.correlationId}: ${describe(err)}`);
      return { correlationId: ctx.query.correlationId, outcome: 'SYSTEM_ERROR', asOf: ctx.receivedAt };
    }
    return toResult(ctx);
  }

  private fail(ctx: QueryContext, step: string, err: unknown): void {
    if (err instanceof IssuerUnavailableError) {
      this.logger.warn(`issuer core unavailable in ${step} for ${ctx.query.correlationId}: ${describe(err.cause)}`);
      ctx.end('ISSUER_UNAVAILABLE');
      return;
    }
    this.logger.error(`step ${step} failed for ${ctx.query.correlationId}: ${describe(err)}`);
    ctx.end('SYSTEM_ERROR');
  }
}

/** A context for a query no step reads the card of: the card is recorded masked when its number parses. */
function contextWithCard(query: BalanceQuery): QueryContext {
  const ctx = new QueryContext(query);
  if (isCardOnFile(query.card)) ctx.cardFace = faceOf(query.card);
  else {
    const parsed = Pan.parse(query.card.pan);
    if (parsed.ok) ctx.pan = parsed.pan;
  }
  return ctx;
}

function toResult(ctx: QueryContext): QueryResult {
  const approved = ctx.outcome === 'APPROVED';
  return {
    correlationId: ctx.query.correlationId,
    outcome: ctx.outcome ?? 'SYSTEM_ERROR',
    asOf: ctx.receivedAt,
    card:
      ctx.cardMasked && ctx.cardLast4 && ctx.issuer && ctx.card
        ? {
            last4: ctx.cardLast4,
            masked: ctx.cardMasked,
            issuerCode: ctx.issuer.code,
            issuerName: ctx.issuer.name,
            locale: ctx.issuer.locale,
          }
        : undefined,
    balances: approved ? ctx.balances : undefined,
    transactions: approved ? ctx.transactions : undefined,
    retryAfterMs: ctx.retryAfterMs,
    problems: ctx.problems,
    reason: ctx.reason,
  };
}

/** An error's name and message only: messages in Saldo never carry card data, stacks may carry inputs. */
function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return 'unknown error';
}
