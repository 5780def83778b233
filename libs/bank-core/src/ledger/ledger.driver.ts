import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { Prisma, PrismaClient, SqlClient } from '#db';
import {
  IssuerCorePort,
  IssuerUnavailableError,
  type AccountBalance,
  type AccountType,
  type CardStatus,
  type CoreCard,
  type TransactionFilter,
  type TransactionPage,
} from '../issuer-core.port.js';
import { CardLookupBatcher } from './card-lookup.batcher.js';

interface CardRow {
  ord: number;
  id: string;
  issuer_id: string;
  cardholder_id: string;
  last4: string;
  expiry: string;
  status: CardStatus;
  pin_method: 'VISA_PVV' | 'IBM_3624_OFFSET' | null;
  pin_verification_data: string | null;
  pin_tries: number;
  pin_locked: boolean;
  account_id: string | null;
  account_type: AccountType | null;
  currency: string | null;
  available: bigint | number | string | null;
  ledger: bigint | number | string | null;
  pending: bigint | number | string | null;
}

/** The built-in ledger: the issuer core kept in Saldo's own database. */
@Injectable()
export class LedgerDriver extends IssuerCorePort {
  private readonly cards: CardLookupBatcher<CardRow>;

  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(SqlClient) private readonly sql: SqlClient,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {
    super();
    this.cards = new CardLookupBatcher(sql);
  }

  /** One round trip, shared with concurrent lookups: the card and its accounts' balances (every inquiry's hot path). */
  async findCard(issuerId: string, panHash: string): Promise<CoreCard | undefined> {
    const rows = await this.guard(() => this.cards.find(panHash, issuerId));
    const first = rows[0];
    if (!first) return undefined;
    return {
      id: first.id,
      issuerId: first.issuer_id,
      cardholderId: first.cardholder_id,
      last4: first.last4,
      expiry: first.expiry,
      status: first.status,
      pinMethod: first.pin_method,
      pinVerificationData: first.pin_verification_data,
      pinTries: first.pin_tries,
      pinLocked: first.pin_locked,
      balances: rows
        .filter((r) => r.account_id !== null)
        .map((r) => ({
          accountId: r.account_id!,
          type: r.account_type!,
          currency: r.currency!,
          available: BigInt(r.available!),
          ledger: BigInt(r.ledger!),
          pending: BigInt(r.pending!),
        })),
    };
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

  /** Every call answers within ISSUER_TIMEOUT_MS: late or failed means unavailable, never a hang. */
  private async guard<T>(query: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new IssuerUnavailableError(`the ledger did not answer within ${this.config.issuerTimeoutMs} ms`)),
        this.config.issuerTimeoutMs,
      );
    });
    try {
      return await Promise.race([query(), timeout]);
    } catch (err) {
      if (err instanceof IssuerUnavailableError) throw err;
      throw new IssuerUnavailableError('the ledger did not answer', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
