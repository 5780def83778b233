import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import type { OperatorRole } from '#db';
import { cookieValue, MessageMemory } from '#platform';

/** An operator is signed out after 15 minutes without a request, and after 8 hours in any case. */
export const CONSOLE_IDLE_MS = 15 * 60_000;
export const CONSOLE_MAX_MS = 8 * 60 * 60_000;
export const CONSOLE_COOKIE = 'saldo_console';

export interface ConsoleSession {
  readonly operatorId: string;
  readonly username: string;
  readonly role: OperatorRole;
  /** Every form carries it back: the cookie alone never authorises a change. */
  readonly csrf: string;
  readonly startedAt: number;
}

/** Server-side operator sessions (Redis, or memory when embedded): the cookie holds a random id only. */
@Injectable()
export class ConsoleSessions {
  constructor(
    @Inject(MessageMemory) private readonly memory: MessageMemory,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async start(operator: Pick<ConsoleSession, 'operatorId' | 'username' | 'role'>): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const session: ConsoleSession = { ...operator, csrf: randomBytes(24).toString('base64url'), startedAt: Date.now() };
    await this.memory.set(key(id), JSON.stringify(session), CONSOLE_IDLE_MS);
    return id;
  }

  /**
   * The session named by a cookie header; undefined when absent or over. Its idle time restarts
   * unless `touch` is false (a page refreshing itself is not the operator at work).
   */
  async find(cookieHeader: string | undefined, touch = true): Promise<{ id: string; session: ConsoleSession } | undefined> {
    const id = cookieValue(cookieHeader, CONSOLE_COOKIE);
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const raw = await this.memory.get(key(id));
    if (!raw) return undefined;
    const session = JSON.parse(raw) as ConsoleSession;
    const left = session.startedAt + CONSOLE_MAX_MS - Date.now();
    if (left <= 0) {
      await this.memory.delete(key(id));
      return undefined;
    }
    if (touch) await this.memory.set(key(id), raw, Math.min(CONSOLE_IDLE_MS, left));
    return { id, session };
  }

  async end(id: string): Promise<void> {
    await this.memory.delete(key(id));
  }

  cookie(id: string | undefined): string {
    const secure = this.config.http.publicBaseUrl.startsWith('https:') ? '; Secure' : '';
    const age = id ? Math.floor(CONSOLE_IDLE_MS / 1000) : 0;
    return `${CONSOLE_COOKIE}=${id ?? ''}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${age}${secure}`;
  }
}

function key(id: string): string {
  return `console:session:${id}`;
}
