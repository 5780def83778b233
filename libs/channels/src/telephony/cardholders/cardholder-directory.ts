import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '#db';
import type { CardOnFile } from '#pipeline';

export type Language = 'en' | 'zh';

export interface Cardholder {
  readonly id: string;
  readonly language: Language;
}

export interface CardOnFileEntry extends CardOnFile {
  readonly last4: string;
  readonly issuerName: string;
}

/** The language a cardholder's locale speaks (zh-* → Chinese, anything else → English). */
export function languageOf(locale: string): Language {
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

const LOCALE_OF: Record<Language, string> = { en: 'en-US', zh: 'zh-CN' };

/**
 * Cardholders as the phone channels know them: by a verified number on file, with their cards
 * on file (keyed hash, issuer, BIN, last 4 — never a PAN), language and phone-banking PIN state.
 */
@Injectable()
export class CardholderDirectory {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** Only a verified number identifies a cardholder. */
  async byPhone(e164: string): Promise<Cardholder | undefined> {
    const phone = await this.prisma.phoneNumber.findUnique({
      where: { e164 },
      select: { verifiedAt: true, cardholder: { select: { id: true, locale: true } } },
    });
    if (!phone?.verifiedAt) return undefined;
    return { id: phone.cardholder.id, language: languageOf(phone.cardholder.locale) };
  }

  async byCard(panHash: string): Promise<Cardholder | undefined> {
    const card = await this.prisma.card.findUnique({
      where: { panHash },
      select: { cardholder: { select: { id: true, locale: true } } },
    });
    return card ? { id: card.cardholder.id, language: languageOf(card.cardholder.locale) } : undefined;
  }

  /** Every card of the cardholder, across issuers, oldest first (a stable order for replies). */
  async cards(cardholderId: string): Promise<CardOnFileEntry[]> {
    const cards = await this.prisma.card.findMany({
      where: { cardholderId, issuer: { status: 'ACTIVE' } },
      select: { panHash: true, issuerId: true, bin: true, last4: true, issuer: { select: { name: true } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return cards.map((c) => ({
      onFile: { panHash: c.panHash, issuerId: c.issuerId, bin: c.bin, last4: c.last4 },
      last4: c.last4,
      issuerName: c.issuer.name,
    }));
  }

  async setLanguage(cardholderId: string, language: Language): Promise<void> {
    await this.prisma.cardholder.update({ where: { id: cardholderId }, data: { locale: LOCALE_OF[language] } });
  }

  /**
   * Counts a phone-PIN attempt before it is verified, in one statement that also reads the
   * verification data: parallel calls for one cardholder cannot get more than `maxTries` guesses
   * between them (the attempt that reaches it locks). Nothing is counted when phone access is
   * locked or has no PIN; the answer says which.
   */
  async countPhonePinAttempt(
    cardholderId: string,
    maxTries: number,
  ): Promise<{ counted: true; tries: number; reference: string } | { counted: false; why: 'LOCKED' | 'NOT_SET' }> {
    const rows = await this.prisma.$queryRaw<{ tries: number; reference: string }[]>`
      UPDATE cardholders
         SET phone_pin_tries = phone_pin_tries + 1,
             phone_pin_locked_at = CASE WHEN phone_pin_tries + 1 >= ${maxTries} THEN now() ELSE NULL END
       WHERE id = ${cardholderId}::uuid AND phone_pin_locked_at IS NULL AND phone_pin_data IS NOT NULL
   RETURNING phone_pin_tries AS tries, phone_pin_data AS reference`;
    const row = rows[0];
    if (row) return { counted: true, tries: Number(row.tries), reference: row.reference };
    // The unusual path only: tell a lock from a missing PIN.
    const holder = await this.prisma.cardholder.findUnique({ where: { id: cardholderId }, select: { phonePinData: true } });
    return { counted: false, why: holder?.phonePinData ? 'LOCKED' : 'NOT_SET' };
  }

  /**
   * A verified PIN clears the count (and the lock its own attempt may have set), unless another
   * attempt was counted since: then that attempt decides.
   */
  async clearPhonePinTries(cardholderId: string, tries: number): Promise<void> {
    await this.prisma.cardholder.updateMany({
      where: { id: cardholderId, phonePinTries: tries },
      data: { phonePinTries: 0, phonePinLockedAt: null },
    });
  }
}
