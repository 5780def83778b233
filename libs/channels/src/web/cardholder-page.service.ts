import { Inject, Injectable } from '@nestjs/common';
import { decodeCursor, TRANSACTION_TYPES } from '#bank-core';
import { SaldoConfig } from '#config';
import { equalTokens } from '#platform';
import { isE164 } from '#domain';
import { CardholderDirectory, CardholderQueries, type CardOnFileEntry, type Language } from '#channels/telephony';
import { SignInCodes } from './auth/sign-in-codes.js';
import { DEFAULT_MONEY_STYLE, WebSessions, withTerminalCode, type WebSession } from './auth/web-sessions.js';
import { balancesPage } from './pages/balances.page.js';
import { helpPage } from './pages/help.page.js';
import { historyPage } from './pages/history.page.js';
import { problemPage } from './pages/problem.page.js';
import { settingsPage } from './pages/settings.page.js';
import { signInPage } from './pages/sign-in.page.js';
import { terminalCheckPage } from './pages/terminal-check.page.js';
import { DemoOutbox } from './demo-outbox.js';
import { TerminalCheck } from './terminal-check.service.js';

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
  readonly headers?: Readonly<Record<string, string>>;
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
    @Inject(TerminalCheck) private readonly terminalCheck: TerminalCheck,
    @Inject(DemoOutbox) private readonly outbox: DemoOutbox,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async home(cookie: string | undefined, correlationId: string): Promise<PageAnswer> {
    const found = await this.sessions.find(cookie);
    if (!found) return { status: 200, html: signInPage({ step: 'phone' }) };
    const { session } = found;
    const cards = await this.cardholders.cards(session.cardholderId);
    const answers = await this.queries.balances('web', { kind: 'phone', e164: session.phone }, cards, correlationId);
    const view = { language: session.language, answers, csrf: session.csrf, timeZone: this.config.timeZones[session.language], money: moneyStyle(session) };
    return { status: 200, html: balancesPage(view) };
  }

  /** One card's history: `card` is its place in the list, dates are YYYY-MM-DD (UTC days, both included). */
  async history(cookie: string | undefined, q: HistoryQuery, correlationId: string): Promise<PageAnswer> {
    const found = await this.sessions.find(cookie);
    if (!found) return { status: 303, redirect: '/' };
    const { session } = found;
    const chosen = await this.cardAt(session, q.card ?? '0');
    if (!chosen) return { status: 404, html: problemPage(session.language, { kind: 'no-such-card' }) };
    const { index, card } = chosen;
    const today = new Date().toISOString().slice(0, 10);
    const from = q.from || new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const to = q.to || today;
    const type = TRANSACTION_TYPES.find((t) => t === q.type);
    const after = q.after ? decodeCursor(q.after) : undefined;
    const view = { language: session.language, timeZone: this.config.timeZones[session.language], money: moneyStyle(session), cardIndex: index, cardLabel: card.last4, from, to, type };
    const period = dayRange(from, to);
    if (!period || after === null) return { status: 400, html: historyPage({ ...view, items: [], notice: { kind: 'period' } }) };
    const { result } = await this.queries.transactions(
      'web',
      { kind: 'phone', e164: session.phone },
      card,
      { kind: 'transactions', ...period, limit: PAGE_SIZE, ...(type ? { types: [type] } : {}), ...(after ? { after } : {}) },
      correlationId,
    );
    if (result.outcome !== 'APPROVED') return { status: 200, html: historyPage({ ...view, items: [], notice: { kind: 'refused', outcome: result.outcome } }) };
    return { status: 200, html: historyPage({ ...view, items: result.transactions?.items ?? [], next: result.transactions?.next }) };
  }

  async requestCode(phone: string | undefined, address: string, correlationId: string): Promise<PageAnswer> {
    if (!phone || !isE164(phone)) return { status: 400, html: signInPage({ step: 'phone', message: 'Enter the number with its country code, e.g. +15555550100.' }) };
    const result = await this.codes.request(phone, address, correlationId);
    if (result === 'rate-limited') return { status: 429, html: signInPage({ step: 'phone', message: 'Too many codes asked for. Try again in 15 minutes.' }) };
    // The same words whether or not the number is on file.
    return { status: 200, html: signInPage({ step: 'code', phone, message: 'If this number is registered, a code is on its way by SMS.', outbox: this.outbox.open }) };
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

  /**
   * Makes a single-use QR token for one card (its place in the list) and remembers it in the
   * session, then sends the browser to the page that shows it (post, redirect, get): a reload
   * shows the same code instead of posting again, and the token is never in a URL.
   */
  async checkAtTerminal(cookie: string | undefined, csrf: string | undefined, cardIndex: string | undefined): Promise<PageAnswer> {
    const found = await this.authorised(cookie, csrf);
    if (!found) return { status: 403, html: signInPage({ step: 'phone', message: 'Your session has ended. Sign in again.' }) };
    const { session } = found;
    const chosen = await this.cardAt(session, cardIndex);
    if (!chosen) return { status: 404, html: problemPage(session.language, { kind: 'no-such-card' }) };
    const { index, card } = chosen;
    const issued = await this.terminalCheck.issue(session.cardholderId, card);
    if (!issued.ok) {
      const retryAfterSeconds = Math.max(1, Math.ceil(issued.retryAfterMs / 1000));
      return { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, html: problemPage(session.language, { kind: 'too-many-codes', retryAfterSeconds }) };
    }
    await this.sessions.save(found.id, withTerminalCode(session, card.onFile.panHash, { token: issued.token, expiresAt: issued.expiresAt.toISOString() }));
    return { status: 303, redirect: `/check-at-terminal?card=${index}` };
  }

  /** The card's code while it works (not expired, not used); after that, a button to make another. */
  async terminalCode(cookie: string | undefined, cardIndex: string | undefined): Promise<PageAnswer> {
    const found = await this.sessions.find(cookie);
    if (!found) return { status: 303, redirect: '/' };
    const { session } = found;
    const chosen = await this.cardAt(session, cardIndex);
    if (!chosen) return { status: 404, html: problemPage(session.language, { kind: 'no-such-card' }) };
    const { index, card } = chosen;
    const code = await this.terminalCheck.stillWorking(session.terminalCodes?.[card.onFile.panHash]);
    const view = {
      language: session.language,
      timeZone: this.config.timeZones[session.language],
      cardIndex: index,
      cardLabel: card.last4,
      csrf: session.csrf,
      validSeconds: this.terminalCheck.validSeconds,
      ...(code ? { code: { token: code.token, expiresAt: new Date(code.expiresAt) } } : {}),
    };
    return { status: 200, html: terminalCheckPage(view) };
  }

  async settings(cookie: string | undefined): Promise<PageAnswer> {
    const found = await this.sessions.find(cookie);
    if (!found) return { status: 303, redirect: '/' };
    return { status: 200, html: settingsPage(found.session.language, moneyStyle(found.session), found.session.csrf) };
  }

  /** How amounts are shown: `currency` is code or symbol, `grouping` on or off. */
  async saveAmountSettings(cookie: string | undefined, csrf: string | undefined, currency: string | undefined, grouping: string | undefined): Promise<PageAnswer> {
    const found = await this.authorised(cookie, csrf);
    if (!found) return { status: 403, html: signInPage({ step: 'phone', message: 'Your session has ended. Sign in again.' }) };
    if ((currency !== 'code' && currency !== 'symbol') || (grouping !== 'on' && grouping !== 'off')) {
      return { status: 400, html: settingsPage(found.session.language, moneyStyle(found.session), found.session.csrf) };
    }
    await this.sessions.save(found.id, { ...found.session, money: { currency, grouping: grouping === 'on' } });
    return { status: 303, redirect: '/' };
  }

  /** Open to everyone: in the session's language, or the one `?lang=` asks for. */
  async help(cookie: string | undefined, lang: string | undefined): Promise<PageAnswer> {
    const asked: Language | undefined = lang === 'zh' || lang === 'en' ? lang : undefined;
    const language = asked ?? (await this.sessions.find(cookie))?.session.language ?? 'en';
    return { status: 200, html: helpPage({ language, phoneNumber: this.config.twilio.phoneNumber, qrSeconds: this.config.qrTokens.ttlSeconds }) };
  }

  /** The card at `place` in the cardholder's list (as a form or a link names it), if there is one. */
  private async cardAt(session: WebSession, place: string | undefined): Promise<{ index: number; card: CardOnFileEntry } | undefined> {
    if (place === undefined || !/^\d{1,3}$/.test(place)) return undefined;
    const index = Number(place);
    const card = (await this.cardholders.cards(session.cardholderId))[index];
    return card ? { index, card } : undefined;
  }

  /** A change needs the session and the form's token: a cookie sent by another site is not enough. */
  private async authorised(cookie: string | undefined, csrf: string | undefined): Promise<{ id: string; session: WebSession } | undefined> {
    const found = await this.sessions.find(cookie);
    return found && equalTokens(csrf, found.session.csrf) ? found : undefined;
  }
}

function moneyStyle(session: WebSession) {
  return session.money ?? DEFAULT_MONEY_STYLE;
}
