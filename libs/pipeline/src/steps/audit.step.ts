import { Inject, Injectable } from '@nestjs/common';
import { maskPhone } from '#domain';
import type { QueryContext } from '../context.js';
import { AuditSink } from '../ports/audit-sink.port.js';
import type { RequesterClaim } from '../query.js';

/** Writes the query's one audit row; the pipeline returns only after it is committed. */
@Injectable()
export class AuditStep {
  readonly name = 'audit';

  constructor(@Inject(AuditSink) private readonly sink: AuditSink) {}

  async run(ctx: QueryContext): Promise<void> {
    const latencyMicros = Number((process.hrtime.bigint() - ctx.startedAt) / 1000n);
    await this.sink.record({
      at: ctx.receivedAt,
      channel: ctx.query.channel,
      requester: ctx.requester?.label ?? claimLabel(ctx.query.requester),
      cardMasked: ctx.cardMasked ?? null,
      cardLast4: ctx.cardLast4 ?? null,
      issuerCode: ctx.issuer?.code ?? null,
      outcome: ctx.outcome ?? 'SYSTEM_ERROR',
      latencyMicros: Math.min(latencyMicros, 2_147_483_647),
      correlationId: ctx.query.correlationId,
      detail: ctx.auditDetail ?? null,
    });
  }
}

/** The label of a requester the directory did not know (still audited, as claimed). */
export function claimLabel(claim: RequesterClaim): string {
  switch (claim.kind) {
    case 'partner':
      return `partner:${claim.clientId}`;
    case 'terminal':
      return `terminal:${claim.tid}`;
    case 'phone':
      return `phone:${maskPhone(claim.e164)}`;
    case 'caller':
      return `caller:${claim.e164 ? maskPhone(claim.e164) : 'withheld'}`;
  }
}
