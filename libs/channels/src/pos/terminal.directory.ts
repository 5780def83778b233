import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';
import type { PinBlockFormat } from '#hsm';

export type TerminalPinMode = 'NONE' | 'FIXED_KEY' | 'DUKPT_TDES' | 'DUKPT_AES';

/** A terminal as the POS channel needs it: who it is and which keys protect its messages. */
export interface PosTerminal {
  readonly tid: string;
  readonly mid: string;
  readonly active: boolean;
  readonly pinMode: TerminalPinMode;
  readonly pinBlockFormat: PinBlockFormat | null;
  readonly pinKeyRef: string | null;
  /** Initial KSN (TDES, 20 hex) or initial key ID (AES, 16 hex) of a DUKPT terminal. */
  readonly dukptInitialId: string | null;
  readonly macRequired: boolean;
  readonly macKeyRef: string | null;
}

const CACHE_MS = 5_000;
const MAX_CACHED = 10_000;

/**
 * Terminals from the database, cached for a few seconds per instance: a disabled terminal or a
 * changed key reference takes effect within CACHE_MS everywhere, without a query per message.
 */
@Injectable()
export class TerminalDirectory {
  private readonly cache = new Map<string, { until: number; terminal: PosTerminal | undefined }>();

  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async find(tid: string): Promise<PosTerminal | undefined> {
    const cached = this.cache.get(tid);
    if (cached && cached.until > Date.now()) return cached.terminal;
    const row = await this.prisma.terminal.findUnique({ where: { tid } });
    const terminal: PosTerminal | undefined = row
      ? {
          tid: row.tid,
          mid: row.mid,
          active: row.status === 'ACTIVE',
          pinMode: row.pinMode,
          pinBlockFormat: (row.pinBlockFormat as PinBlockFormat | null) ?? null,
          pinKeyRef: row.pinKeyRef,
          dukptInitialId: row.dukptInitialId,
          macRequired: row.macRequired,
          macKeyRef: row.macKeyRef,
        }
      : undefined;
    // Bounded: ids sent by strangers must not grow the map without end.
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(tid, { until: Date.now() + CACHE_MS, terminal });
    return terminal;
  }
}
