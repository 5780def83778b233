import { Inject, Injectable } from '@nestjs/common';
import { decodeCursor, TRANSACTION_TYPES } from '#bank-core';
import { SaldoConfig } from '#config';
import { isE164 } from '#domain';
import { CardholderDirectory, CardholderQueries, type Language } from '#channels/telephony';
import { SignInCodes } from './auth/sign-in-codes.js';
import { WebSessions, type WebSession } from './auth/web-sessions.js';
import { balancesPage } from './pages/balances.page.js';
import { historyPage } from './pages/history.page.js';
import { signInPage } from './pages/sign-in.page.js';

const PAGE_SIZE = 20;

export interface HistoryQuery {
  readonly card?: string;
  readonly from?: string;
  readonly to?: string;
  readonly type?: string;
  readonly after?: string;
}

/** [first day 00:00Z, the day after the last) — or undefined for anything that is not a forward period. */
function dayRange(from: string, to: string): { from: Date; to: Date } | undefined {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(from) || !day.test(to)) return undefined;
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end) return undefined;
  return { from: start, to: end };
}

export interface PageAnswer {
  readonly status: number;
  readonly html?: string;
  readonly redirect?: string;
  readonly cookie?: string;
}

/**
 * The cardholder page (channel "web"): sign in with a verified phone and an SMS code, then every
 * card and account through the one pipeline, like every other channel.
 */
@Injectable()
export class CardholderPage {
  constructor(
    @Inject(SignInCodes) private readonly codes: SignInCodes,
    @Inject(WebSessions) private readonly sessions: WebSessions,
    @Inject(CardholderDirectory) private readonly cardholders: CardholderDirectory,
    @Inject(CardholderQueries) private readonly queries: CardholderQueries,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async home(cookie: string | undefined, correlationId: string): Promise<PageAnswer> {
    const found = await this.sessions.find(cookie);
    if (!found) return { status: 200, html: signInPage({ step: 'phone' }) };
    const { session } = found;
    const cards = await this.cardholders.cards(session.cardholderId);
    const answers = await this.queries.balances('web', { kind: 'phone', e164: session.phone }, cards, correlationId);
    return { status: 200, html: balancesPage(session.language, answers, session.csrf, this.config.timeZones[session.language]) };
  }

  /** One card's history: `card` is its place in the list, dates are YYYY-MM-DD (UTC days, both included). */
  async history(cookie: string | undefined, q: HistoryQuery, correlationId: string): Promise<PageAnswer> {
    const found = await this.sessions.find(cookie);
    if (!found) return { status: 303, redirect: '/' };
    const { session } = found;
    const cards = await this.cardholders.cards(session.cardholderId);
    const index = Number(q.card ?? '0');
    const card = Number.isInteger(index) ? cards[index] : undefined;
    if (!card) return { status: 404, html: signInPage({ step: 'phone', message: 'No such card.' }) };
    const today = new Date().toISOString().slice(0, 10);
    const from = q.from || new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const to = q.to || today;
    const type = TRANSACTION_TYPES.find((t) => t === q.type);
    const after = q.after ? decodeCursor(q.after) : undefined;
    const view = { language: session.language, timeZone: this.config.timeZones[session.language], cardIndex: index, cardLabel: card.last4, from, to, type };
    const period = dayRange(from, to);
    if (!period || after === null) return { status: 400, html: historyPage({ ...view, items: [], message: 'Pick a period: the first day, then the last (YYYY-MM-DD).' }) };
    const { result } = await this.queries.transactions(
      'web',
      { kind: 'phone', e164: session.phone },
      card,
      { kind: 'transactions', ...period, limit: PAGE_SIZE, ...(type ? { types: [type] } : {}), ...(after ? { after } : {}) },
      correlationId,
    );
    if (result.outcome !== 'APPROVED') return { status: 200, html: historyPage({ ...view, items: [], message: result.outcome.toLowerCase().replace(/_/g, ' ') }) };
    return { status: 200, html: historyPage({ ...view, items: result.transactions?.items ?? [], next: result.transactions?.next }) };
  }

  async requestCode(phone: string | undefined, address: string, correlationId: string): Promise<PageAnswer> {
    if (!phone || !isE164(phone)) return { status: 400, html: signInPage({ step: 'phone', message: 'Enter the number with its country code, e.g. +15555550100.' }) };
    const result = await this.codes.request(phone, address, correlationId);
    if (result === 'rate-limited') return { status: 429, html: signInPage({ step: 'phone', message: 'Too many codes asked for. Try again in 15 minutes.' }) };
    // The same words whether or not the number is on file.
    return { status: 200, html: signInPage({ step: 'code', phone, message: 'If this number is registered, a code is on its way by SMS.' }) };
  }

  async signIn(phone: string | undefined, code: string | undefined): Promise<PageAnswer> {
    if (!phone || !isE164(phone) || !code || !/^\d{6}$/.test(code)) {
      return { status: 400, html: signInPage({ step: 'phone', message: 'Enter your phone number again.' }) };
    }
    const check = await this.codes.check(phone, code);
    if (!check.ok) {
      const message = check.reason === 'wrong' ? 'That code is not right. Try again.' : 'That code has expired. Ask for a new one.';
      return { status: 401, html: check.reason === 'wrong' ? signInPage({ step: 'code', phone, message }) : signInPage({ step: 'phone', message }) };
    }
    const { id } = await this.sessions.start({ cardholderId: check.cardholder.id, phone, language: check.cardholder.language });
    return { status: 303, redirect: '/', cookie: this.sessions.cookie(id) };
  }

  async signOut(cookie: string | undefined, csrf: string | undefined): Promise<PageAnswer> {
    const found = await this.authorised(cookie, csrf);
    if (found) await this.sessions.end(found.id);
    return { status: 303, redirect: '/', cookie: this.sessions.cookie(undefined) };
  }

  async setLanguage(cookie: string | undefined, csrf: string | undefined, language: string | undefined): Promise<PageAnswer> {
    const found = await this.authorised(cookie, csrf);
    if (!found) return { status: 403, html: signInPage({ step: 'phone', message: 'Your session has ended. Sign in again.' }) };
    if (language === 'en' || language === 'zh') {
      const next: Language = language;
      found.session.language = next;
      await this.sessions.save(found.id, found.session);
      await this.cardholders.setLanguage(found.session.cardholderId, next);
    }
    return { status: 303, redirect: '/' };
  }

  /** A change needs the session and the form's token: a cookie sent by another site is not enough. */
  private async authorised(cookie: string | undefined, csrf: string | undefined): Promise<{ id: string; session: WebSession } | undefined> {
    const found = await this.sessions.find(cookie);
    return found && csrf === found.session.csrf ? found : undefined;
  }
}

