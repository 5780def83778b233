import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '#db';
import {
  IssuerCorePort,
  IssuerUnavailableError,
  type AccountBalance,
  type AccountType,
  type CoreCard,
  type TransactionFilter,
  type TransactionPage,
} from '../issuer-core.port.js';

/** The built-in ledger: the issuer core kept in Saldo's own database. */
@Injectable()
export class LedgerDriver extends IssuerCorePort {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {
    super();
  }

  async findCard(issuerId: string, panHash: string): Promise<CoreCard | undefined> {
    const card = await this.guard(() =>
      this.prisma.card.findUnique({
        where: { panHash },
        select: {
          id: true,
          issuerId: true,
          cardholderId: true,
          last4: true,
          expiry: true,
          status: true,
          pinMethod: true,
          pinVerificationData: true,
          pinTries: true,
          pinLockedAt: true,
        },
      }),
    );
    if (!card || card.issuerId !== issuerId) return undefined;
    const { pinLockedAt, ...rest } = card;
    return { ...rest, pinLocked: pinLockedAt !== null };
  }

  async readBalances(cardId: string, accountType?: AccountType): Promise<AccountBalance[]> {
    const links = await this.guard(() =>
      this.prisma.cardAccount.findMany({
        where: { cardId, ...(accountType && accountType !== 'DEFAULT' ? { account: { type: accountType } } : {}) },
        orderBy: { position: 'asc' },
        select: {
          account: { select: { id: true, type: true, currency: true, available: true, ledger: true, pending: true } },
        },
      }),
    );
    return links.map(({ account: a }) => ({
      accountId: a.id,
      type: a.type,
      currency: a.currency,
      available: a.available,
      ledger: a.ledger,
      pending: a.pending,
    }));
  }

  async searchTransactions(cardId: string, filter: TransactionFilter): Promise<TransactionPage> {
    const after = filter.after;
    const rows = await this.guard(() =>
      this.prisma.transaction.findMany({
        where: {
          account: { cards: { some: { cardId } } },
          postedAt: { gte: filter.from, lt: filter.to },
          ...(filter.types?.length ? { type: { in: [...filter.types] } } : {}),
          ...(after
            ? { OR: [{ postedAt: { lt: after.postedAt } }, { postedAt: after.postedAt, id: { lt: after.id } }] }
            : {}),
        },
        orderBy: [{ postedAt: 'desc' }, { id: 'desc' }],
        take: filter.limit + 1,
      }),
    );
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return {
      items,
      next: rows.length > filter.limit && last ? { postedAt: last.postedAt, id: last.id } : undefined,
    };
  }

  async recordPinFailure(cardId: string, maxTries: number): Promise<{ tries: number; locked: boolean }> {
    // One atomic statement, so concurrent wrong PINs on several gateway instances count exactly.
    const rows = await this.guard(() =>
      this.prisma.$queryRaw<{ pin_tries: number; locked: boolean }[]>(Prisma.sql`
        UPDATE cards
           SET pin_tries = pin_tries + 1,
               pin_locked_at = CASE WHEN pin_tries + 1 >= ${maxTries} THEN COALESCE(pin_locked_at, now()) ELSE pin_locked_at END,
               updated_at = now()
         WHERE id = ${cardId}::uuid
     RETURNING pin_tries, pin_locked_at IS NOT NULL AS locked`),
    );
    const row = rows[0];
    if (!row) throw new IssuerUnavailableError('card vanished while counting a PIN failure');
    return { tries: row.pin_tries, locked: row.locked };
  }

  async resetPinTries(cardId: string): Promise<void> {
    await this.guard(() =>
      this.prisma.card.updateMany({ where: { id: cardId, pinLockedAt: null }, data: { pinTries: 0 } }),
    );
  }

  private async guard<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      throw new IssuerUnavailableError('the ledger did not answer', { cause: err });
    }
  }
}
