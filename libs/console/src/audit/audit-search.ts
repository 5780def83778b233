import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, type Prisma } from '#db';
import type { AuditFilter } from './audit-filter.js';

export interface AuditRecord {
  readonly id: bigint;
  readonly at: Date;
  readonly channel: string;
  readonly requester: string;
  readonly cardMasked: string | null;
  readonly cardLast4: string | null;
  readonly issuerCode: string | null;
  readonly outcome: string;
  readonly latencyMicros: number;
  readonly correlationId: string;
}

const SELECT = {
  id: true,
  at: true,
  channel: true,
  requester: true,
  cardMasked: true,
  cardLast4: true,
  issuerCode: true,
  outcome: true,
  latencyMicros: true,
  correlationId: true,
} as const;

/** Reads the append-only audit trail, newest first, in keyset pages (by id, which only grows). */
@Injectable()
export class AuditSearch {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async page(filter: AuditFilter, limit: number, before?: bigint): Promise<{ rows: AuditRecord[]; next?: bigint }> {
    const rows = await this.prisma.auditEvent.findMany({
      where: { ...where(filter), ...(before !== undefined ? { id: { lt: before } } : {}) },
      select: SELECT,
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const shown = rows.slice(0, limit);
    return { rows: shown, next: rows.length > limit ? shown.at(-1)?.id : undefined };
  }

  async count(filter: AuditFilter): Promise<number> {
    return this.prisma.auditEvent.count({ where: where(filter) });
  }
}

function where(f: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    at: { gte: f.from, ...(f.until ? { lt: f.until } : {}) },
    ...(f.channel ? { channel: f.channel } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.issuer ? { issuerCode: f.issuer } : {}),
    ...(f.last4 ? { cardLast4: f.last4 } : {}),
    ...(f.requester ? { requester: { contains: likeLiteral(f.requester) } } : {}),
  };
}

/** `contains` is a LIKE: a typed % or _ means itself, not "anything". */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
