import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';

export interface KeyRow {
  readonly ref: string;
  readonly type: string;
  readonly usage: string;
  readonly algorithm: string;
  readonly kcv: string;
  readonly status: 'ACTIVE' | 'RETIRED';
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
}

/** The key store as people may see it: labels, KCVs and dates. The wrapped value is never selected. */
@Injectable()
export class KeyListing {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async list(): Promise<KeyRow[]> {
    return this.prisma.key.findMany({
      select: { ref: true, type: true, usage: true, algorithm: true, kcv: true, status: true, createdAt: true, retiredAt: true },
      orderBy: [{ status: 'asc' }, { ref: 'asc' }],
    });
  }
}
