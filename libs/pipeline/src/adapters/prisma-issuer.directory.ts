import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';
import type { Pan } from '#domain';
import type { IssuerRoute } from '../context.js';
import { IssuerDirectory } from '../ports/issuer-directory.port.js';

const CACHE_MS = 30_000;

interface Range {
  low: string;
  high: string;
  issuer: IssuerRoute;
}

/**
 * The BIN table is small configuration: it is read whole and kept for CACHE_MS, and the most
 * specific (longest) matching range wins.
 */
@Injectable()
export class PrismaIssuerDirectory extends IssuerDirectory {
  private ranges: { until: number; list: Range[] } | undefined;
  private loading: Promise<Range[]> | undefined;

  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {
    super();
  }

  async route(pan: Pan): Promise<IssuerRoute | undefined> {
    let best: Range | undefined;
    for (const r of await this.table()) {
      const lead = pan.leading(r.low.length);
      if (lead.length === r.low.length && lead >= r.low && lead <= r.high) {
        if (!best || r.low.length > best.low.length) best = r;
      }
    }
    return best?.issuer;
  }

  async byId(issuerId: string): Promise<IssuerRoute | undefined> {
    return (await this.table()).find((r) => r.issuer.id === issuerId)?.issuer;
  }

  private async table(): Promise<Range[]> {
    if (this.ranges && this.ranges.until > Date.now()) return this.ranges.list;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<Range[]> {
    const rows = await this.prisma.binRange.findMany({
      where: { issuer: { status: 'ACTIVE' } },
      select: {
        low: true,
        high: true,
        issuer: { select: { id: true, code: true, name: true, currency: true, locale: true } },
      },
    });
    this.ranges = { until: Date.now() + CACHE_MS, list: rows };
    return rows;
  }
}
