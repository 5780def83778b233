import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';
import { RateLimitService } from '#platform';

export interface SupportCard {
  readonly id: string;
  readonly issuerCode: string;
  readonly issuerName: string;
  /** BIN and last 4 only: the full card number is never stored. */
  readonly masked: string;
  readonly last4: string;
  readonly expiry: string;
  readonly status: string;
  readonly pinTries: number;
  readonly pinLocked: boolean;
  readonly cardholder: { readonly id: string; readonly name: string; readonly phonePinTries: number; readonly phoneLocked: boolean; readonly phones: readonly string[] };
}

export interface RecentQuery {
  readonly at: Date;
  readonly channel: string;
  readonly requester: string;
  readonly outcome: string;
  readonly latencyMicros: number;
  readonly correlationId: string;
}

/** As the pipeline shows a card on file: BIN and last 4 (the PAN's length is not kept). */
function face(bin: string, last4: string): string {
  return `${bin.slice(0, 6)}******${last4}`;
}

export type Unlocked = Pick<SupportCard, 'masked' | 'last4' | 'issuerCode'>;

/** What support needs on a cardholder's call: find the card, see what was asked of it, lift its locks. */
@Injectable()
export class CardSupport {
  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(RateLimitService) private readonly limits: RateLimitService,
  ) {}

  async issuers(): Promise<{ code: string; name: string }[]> {
    return this.prisma.issuer.findMany({ select: { code: true, name: true }, orderBy: { code: 'asc' } });
  }

  async find(issuerCode: string, last4: string): Promise<SupportCard[]> {
    const cards = await this.prisma.card.findMany({
      where: { last4, issuer: { code: issuerCode } },
      include: { issuer: true, cardholder: { include: { phones: true } } },
      orderBy: { createdAt: 'asc' },
      take: 20,
    });
    return cards.map((c) => ({
      id: c.id,
      issuerCode: c.issuer.code,
      issuerName: c.issuer.name,
      masked: face(c.bin, c.last4),
      last4: c.last4,
      expiry: `${c.expiry.slice(2)}/${c.expiry.slice(0, 2)}`,
      status: c.status,
      pinTries: c.pinTries,
      pinLocked: c.pinLockedAt !== null,
      cardholder: {
        id: c.cardholder.id,
        name: c.cardholder.name,
        phonePinTries: c.cardholder.phonePinTries,
        phoneLocked: c.cardholder.phonePinLockedAt !== null,
        phones: c.cardholder.phones.map((p) => p.e164),
      },
    }));
  }

  /** The card's last queries on every channel (the audit trail keeps issuer and last 4, never the PAN). */
  async recentQueries(issuerCode: string, last4: string, limit = 20): Promise<RecentQuery[]> {
    return this.prisma.auditEvent.findMany({
      where: { issuerCode, cardLast4: last4, channel: { not: 'console' } },
      select: { at: true, channel: true, requester: true, outcome: true, latencyMicros: true, correlationId: true },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /** The card's face (BIN and last 4) and issuer, as unlocks are recorded. */
  async face(cardId: string): Promise<Unlocked | undefined> {
    const card = await this.prisma.card.findUnique({ where: { id: cardId }, select: { bin: true, last4: true, issuer: { select: { code: true } } } });
    return card ? { masked: face(card.bin, card.last4), last4: card.last4, issuerCode: card.issuer.code } : undefined;
  }

  /** How often this card (issuer and last 4) had this unlock in the last 24 hours, from the audit trail. */
  async unlocksToday(card: Unlocked, action: 'PIN_UNLOCKED' | 'PHONE_UNLOCKED'): Promise<number> {
    return this.prisma.auditEvent.count({
      where: { channel: 'console', outcome: action, issuerCode: card.issuerCode, cardLast4: card.last4, at: { gte: new Date(Date.now() - 86_400_000) } },
    });
  }

  /** Clears the card's wrong-PIN count and lock (every channel shares them). */
  async unlockPin(cardId: string): Promise<Unlocked | undefined> {
    const card = await this.prisma.card.findUnique({ where: { id: cardId }, include: { issuer: true } });
    if (!card) return undefined;
    await this.prisma.card.update({ where: { id: cardId }, data: { pinTries: 0, pinLockedAt: null } });
    return { masked: face(card.bin, card.last4), last4: card.last4, issuerCode: card.issuer.code };
  }

  /** Clears the phone-banking PIN lock and the sign-in-code limits of the cardholder's numbers. */
  async unlockPhone(cardId: string): Promise<Unlocked | undefined> {
    const card = await this.prisma.card.findUnique({ where: { id: cardId }, include: { issuer: true, cardholder: { include: { phones: true } } } });
    if (!card) return undefined;
    await this.prisma.cardholder.update({ where: { id: card.cardholderId }, data: { phonePinTries: 0, phonePinLockedAt: null } });
    await Promise.all(card.cardholder.phones.map((p) => this.limits.reset('auth-failure', `web:${p.e164}`)));
    return { masked: face(card.bin, card.last4), last4: card.last4, issuerCode: card.issuer.code };
  }
}
