import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '#db';

export type DashboardRange = 'hour' | 'day';

/** An hour in minutes; a day in 20-minute buckets (72 points), each shown as queries per minute. */
export const RANGES: Record<DashboardRange, { readonly seconds: number; readonly bucketSeconds: number }> = {
  hour: { seconds: 3_600, bucketSeconds: 60 },
  day: { seconds: 86_400, bucketSeconds: 1_200 },
};

export interface DashboardFigures {
  readonly range: DashboardRange;
  /** Start of the first bucket, epoch seconds. */
  readonly since: number;
  readonly bucketSeconds: number;
  readonly buckets: number;
  /** channel → queries per minute in each bucket, oldest first. */
  readonly perMinute: ReadonlyMap<string, readonly number[]>;
  readonly outcomes: readonly { readonly outcome: string; readonly count: number }[];
  readonly latency: readonly { readonly channel: string; readonly count: number; readonly p50Ms: number; readonly p99Ms: number }[];
}

/** How long the live panel's figures are shared: every open dashboard refreshes, the database answers once. */
export const SHARED_FIGURES_MS = 5_000;

/** The dashboard's numbers, read from the audit trail (operator actions, channel `console`, left out). */
@Injectable()
export class DashboardFiguresReader {
  private readonly shared = new Map<DashboardRange, { until: number; figures: Promise<DashboardFigures> }>();

  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** For the self-refreshing panel: one read per range per SHARED_FIGURES_MS, however many tabs are open. */
  async readShared(range: DashboardRange): Promise<DashboardFigures> {
    const hit = this.shared.get(range);
    if (hit && hit.until > Date.now()) return hit.figures;
    const figures = this.read(range);
    this.shared.set(range, { until: Date.now() + SHARED_FIGURES_MS, figures });
    void figures.catch(() => this.shared.delete(range));
    return figures;
  }

  async read(range: DashboardRange, now = Date.now()): Promise<DashboardFigures> {
    const { seconds, bucketSeconds } = RANGES[range];
    const buckets = seconds / bucketSeconds;
    const nowSeconds = Math.floor(now / 1000);
    const since = (Math.floor(nowSeconds / bucketSeconds) - buckets + 1) * bucketSeconds;
    const from = new Date(since * 1000);
    const [series, outcomes, latency] = await Promise.all([
      this.prisma.$queryRaw<{ bucket: number; channel: string; n: number }[]>(Prisma.sql`
        SELECT floor((extract(epoch FROM at) - ${since}) / ${bucketSeconds})::int AS bucket, channel, count(*)::int AS n
          FROM audit_events WHERE at >= ${from} AND channel <> 'console'
         GROUP BY 1, 2`),
      this.prisma.$queryRaw<{ outcome: string; n: number }[]>(Prisma.sql`
        SELECT outcome, count(*)::int AS n FROM audit_events WHERE at >= ${from} AND channel <> 'console'
         GROUP BY outcome ORDER BY n DESC, outcome`),
      this.prisma.$queryRaw<{ channel: string; n: number; p50: number; p99: number }[]>(Prisma.sql`
        SELECT channel, count(*)::int AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_micros)::float8 AS p50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_micros)::float8 AS p99
          FROM audit_events WHERE at >= ${from} AND channel <> 'console'
         GROUP BY channel ORDER BY channel`),
    ]);
    const perMinute = new Map<string, number[]>();
    for (const row of series) {
      if (row.bucket < 0 || row.bucket >= buckets) continue;
      const line = perMinute.get(row.channel) ?? new Array<number>(buckets).fill(0);
      line[row.bucket] = (row.n * 60) / bucketSeconds;
      perMinute.set(row.channel, line);
    }
    return {
      range,
      since,
      bucketSeconds,
      buckets,
      perMinute: new Map([...perMinute].sort(([a], [b]) => a.localeCompare(b))),
      outcomes: outcomes.map((o) => ({ outcome: o.outcome, count: o.n })),
      latency: latency.map((l) => ({ channel: l.channel, count: l.n, p50Ms: l.p50 / 1000, p99Ms: l.p99 / 1000 })),
    };
  }
}
