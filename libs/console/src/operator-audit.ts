import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '#db';

export const OPERATOR_ACTIONS = [
  'SIGNED_IN',
  'SIGN_IN_FAILED',
  'SIGNED_OUT',
  'REFUSED',
  'CARD_LOOKED_UP',
  'PIN_UNLOCKED',
  'PHONE_UNLOCKED',
  'AUDIT_SEARCHED',
  'AUDIT_EXPORTED',
  'TERMINAL_CHANGED',
  'PARTNER_CHANGED',
  'ISSUER_CHANGED',
  'QUEUE_CHANGED',
] as const;

export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

export interface OperatorEvent {
  /** The operator's username, or what was typed at a failed sign-in. */
  readonly operator: string;
  readonly action: OperatorAction;
  readonly correlationId: string;
  readonly card?: { readonly masked: string; readonly last4: string; readonly issuerCode: string };
  /** What was acted on (ids, filters): never a password, a secret or key material. */
  readonly detail?: Record<string, string | number | boolean>;
}

/**
 * Operator actions go into the same append-only audit trail as the queries (channel `console`),
 * so one search answers "who looked at this card" as well as "who asked for its balance".
 */
@Injectable()
export class OperatorAudit {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async record(event: OperatorEvent): Promise<void> {
    const detail = event.detail ? JSON.stringify(event.detail) : null;
    await this.prisma.$executeRaw(Prisma.sql`
      INSERT INTO audit_events (at, channel, requester, card_masked, card_last4, issuer_code, outcome, latency_micros, correlation_id, detail)
      VALUES (now(), 'console', ${`operator:${event.operator.slice(0, 64)}`}, ${event.card?.masked ?? null}, ${event.card?.last4 ?? null},
              ${event.card?.issuerCode ?? null}, ${event.action}, 0, ${event.correlationId}, ${detail}::jsonb)`);
  }
}
