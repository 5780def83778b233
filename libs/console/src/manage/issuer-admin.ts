import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaClient } from '#db';
import { done, refused, type Change } from './form.js';

/** How long a running gateway may route with the old BIN table (the issuer directory reads it whole and keeps it). */
export const BIN_TABLE_CACHE_SECONDS = 30;

export interface BinRangeRow {
  readonly id: string;
  readonly low: string;
  readonly high: string;
  readonly createdAt: Date;
}

export interface IssuerRow {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly currency: string;
  readonly locale: string;
  readonly status: 'ACTIVE' | 'DISABLED';
  readonly createdAt: Date;
  readonly ranges: readonly BinRangeRow[];
}

export interface NewIssuerInput {
  readonly code: string;
  readonly name: string;
  readonly currency: string;
  readonly locale: string;
}

export interface RemovedRange {
  readonly issuerCode: string;
  readonly low: string;
  readonly high: string;
}

const CODE = /^[A-Z][A-Z0-9_]{1,15}$/;
/** PANs are at most 19 digits: ranges of any length compare as intervals of 19-digit numbers. */
const PAN_DIGITS = 19;
/** Serialises BIN range additions (check then insert) across instances; any fixed number of our own. */
const BIN_TABLE_LOCK = 727_364_001;
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/**
 * Issuers and their BIN ranges: the routing table of the pipeline (libs/pipeline/src/adapters/
 * prisma-issuer.directory.ts). A range is two digit strings of the same length compared with the
 * same number of leading PAN digits; ranges never overlap, so a card routes to exactly one issuer.
 */
@Injectable()
export class IssuerAdmin {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async list(): Promise<IssuerRow[]> {
    return this.prisma.issuer.findMany({
      select: { id: true, code: true, name: true, currency: true, locale: true, status: true, createdAt: true, binRanges: { select: { id: true, low: true, high: true, createdAt: true }, orderBy: { low: 'asc' } } },
      orderBy: { code: 'asc' },
    }).then((rows) => rows.map(({ binRanges, ...i }) => ({ ...i, ranges: binRanges })));
  }

  async add(input: NewIssuerInput): Promise<Change<NewIssuerInput>> {
    const code = input.code.toUpperCase();
    if (!CODE.test(code)) return refused(400, 'An issuer code is 2-16 capital letters, digits or underscores, starting with a letter.');
    if (!input.name || input.name.length > 100) return refused(400, 'Give the issuer a name (at most 100 characters).');
    const currency = input.currency.toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency) || !CURRENCIES.has(currency)) return refused(400, 'The currency is an ISO 4217 alphabetic code, such as USD, EUR or CNY.');
    let locale: string;
    try {
      [locale = ''] = Intl.getCanonicalLocales(input.locale);
    } catch {
      locale = '';
    }
    if (!locale || !/^[a-z]{2,3}(-|$)/.test(locale)) return refused(400, 'The locale is a BCP 47 language tag, such as en-US or zh-CN.');
    if (await this.prisma.issuer.findUnique({ where: { code }, select: { id: true } })) return refused(409, `Issuer ${code} already exists.`);
    try {
      await this.prisma.issuer.create({ data: { code, name: input.name, currency, locale } });
    } catch (err) {
      if (isUniqueViolation(err)) return refused(409, `Issuer ${code} already exists.`);
      throw err;
    }
    return done({ code, name: input.name, currency, locale });
  }

  async addRange(issuerId: string, low: string, high: string): Promise<Change<{ issuerCode: string; low: string; high: string }>> {
    if (!/^\d{4,12}$/.test(low) || !/^\d{4,12}$/.test(high)) return refused(400, 'The low and high ends of a BIN range are 4 to 12 digits each.');
    if (low.length !== high.length) return refused(400, `The low and high ends of a range have the same number of digits (here ${low.length} and ${high.length}).`);
    if (low > high) return refused(400, `The low end (${low}) is above the high end (${high}).`);
    const issuer = await this.prisma.issuer.findUnique({ where: { id: issuerId }, select: { code: true } });
    if (!issuer) return refused(404, 'No such issuer.');
    return this.prisma.$transaction(async (tx) => {
      // Two admins adding crossing ranges at once must not both pass the check.
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${BIN_TABLE_LOCK})`);
      const [from, to] = [low.padEnd(PAN_DIGITS, '0'), high.padEnd(PAN_DIGITS, '9')];
      const others = await tx.binRange.findMany({ select: { low: true, high: true, issuer: { select: { code: true } } } });
      const clash = others.find((r) => r.low.padEnd(PAN_DIGITS, '0') <= to && from <= r.high.padEnd(PAN_DIGITS, '9'));
      if (clash) {
        return refused(409, `${low}-${high} overlaps the range ${clash.low}-${clash.high} of ${clash.issuer.code}: a card must route to one issuer. Remove or narrow that range first.`);
      }
      await tx.binRange.create({ data: { issuerId, low, high } });
      return done({ issuerCode: issuer.code, low, high });
    });
  }

  async removeRange(rangeId: string): Promise<Change<RemovedRange>> {
    return this.prisma.$transaction(async (tx) => {
      // Under the same lock as adding: two removals at once must not both pass the coverage check.
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${BIN_TABLE_LOCK})`);
      const range = await tx.binRange.findUnique({ where: { id: rangeId }, select: { low: true, high: true, issuerId: true, issuer: { select: { code: true } } } });
      if (!range) return refused(404, 'No such BIN range (already removed?).');
      // The routing table is also how a card on file (web, SMS, voice) finds its issuer: every card must stay covered.
      const [rest, bins] = await Promise.all([
        tx.binRange.findMany({ where: { issuerId: range.issuerId, id: { not: rangeId } }, select: { low: true, high: true } }),
        tx.card.findMany({ where: { issuerId: range.issuerId }, select: { bin: true }, distinct: ['bin'] }),
      ]);
      const stranded = bins.map((c) => c.bin).filter((bin) => !rest.some((r) => covers(r, bin)));
      if (stranded.length > 0) {
        return refused(409, `Without ${range.low}-${range.high}, cards of ${range.issuer.code} with BIN ${stranded.slice(0, 3).join(', ')} would route to no issuer and answer nothing on any channel. Add the replacing range first.`);
      }
      await tx.binRange.delete({ where: { id: rangeId } });
      return done({ issuerCode: range.issuer.code, low: range.low, high: range.high });
    });
  }
}

/** Whether a range can hold cards of this BIN (a range longer than the BIN: any overlap counts). */
function covers(range: { low: string; high: string }, bin: string): boolean {
  const digits = range.low.length;
  if (bin.length >= digits) {
    const prefix = bin.slice(0, digits);
    return range.low <= prefix && prefix <= range.high;
  }
  return range.low.slice(0, bin.length) <= bin && bin <= range.high.slice(0, bin.length);
}
