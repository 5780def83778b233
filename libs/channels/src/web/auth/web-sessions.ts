import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import type { MoneyStyle } from '#domain';
import { cookieValue, MessageMemory } from '#platform';
import type { Language } from '#channels/telephony';

/** Amounts as the page showed them before there was a choice: `1,234.56 USD`. */
export const DEFAULT_MONEY_STYLE: MoneyStyle = { currency: 'code', grouping: true };

/** A signed-in cardholder's session expires after this long without a request. */
export const SESSION_IDLE_MS = 15 * 60_000;
export const SESSION_COOKIE = 'saldo_session';

export interface WebSession {
  readonly cardholderId: string;
  readonly phone: string;
  language: Language;
  /** How amounts are shown; kept for the session only (the cardholder record has no place for it). */
  money?: MoneyStyle;
  /** Every form carries it back (the cookie alone does not authorise a change). */
  readonly csrf: string;
  /**
   * The latest terminal code of each card, by the card's keyed hash, so that reloading its page
   * shows the same code rather than making another. Held in the clear like the session itself:
   * whoever reads this entry holds the session, which can make codes anyway.
   */
  readonly terminalCodes?: Readonly<Record<string, RememberedTerminalCode>>;
}

export interface RememberedTerminalCode {
  readonly token: string;
  /** ISO 8601: the session is stored as JSON. */
  readonly expiresAt: string;
}

/** `session` with `code` as the card's latest, and the codes that have expired dropped. */
export function withTerminalCode(session: WebSession, panHash: string, code: RememberedTerminalCode, now = Date.now()): WebSession {
  const live = Object.entries(session.terminalCodes ?? {}).filter(([, c]) => Date.parse(c.expiresAt) > now);
  return { ...session, terminalCodes: Object.fromEntries([...live, [panHash, code]]) };
}

/** Server-side sessions (Redis, or memory when embedded): the cookie holds only a random id. */
@Injectable()
export class WebSessions {
  constructor(
    @Inject(MessageMemory) private readonly memory: MessageMemory,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async start(session: Omit<WebSession, 'csrf'>): Promise<{ id: string; session: WebSession }> {
    const id = randomBytes(32).toString('base64url');
    const full: WebSession = { ...session, csrf: randomBytes(24).toString('base64url') };
    await this.memory.set(key(id), JSON.stringify(full), SESSION_IDLE_MS);
    return { id, session: full };
  }

  /** The session of a cookie header, its idle time restarted; undefined when absent or expired. */
  async find(cookieHeader: string | undefined): Promise<{ id: string; session: WebSession } | undefined> {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const raw = await this.memory.get(key(id));
    if (!raw) return undefined;
    const session = JSON.parse(raw) as WebSession;
    await this.memory.set(key(id), raw, SESSION_IDLE_MS);
    return { id, session };
  }

  async save(id: string, session: WebSession): Promise<void> {
    await this.memory.set(key(id), JSON.stringify(session), SESSION_IDLE_MS);
  }

  async end(id: string): Promise<void> {
    await this.memory.delete(key(id));
  }

  cookie(id: string | undefined): string {
    const secure = this.config.http.publicBaseUrl.startsWith('https:') ? '; Secure' : '';
    const value = id ?? '';
    // No Max-Age while signed in: the server ends the session; a fixed cookie age would end it mid-visit.
    const age = id ? '' : '; Max-Age=0';
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${age}${secure}`;
  }
}

function key(id: string): string {
  return `web:session:${id}`;
}
