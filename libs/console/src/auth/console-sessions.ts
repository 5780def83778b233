import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { PrismaClient, type OperatorRole } from '#db';
import { cookieValue, MessageMemory } from '#platform';

/** An operator is signed out after 15 minutes without a request, and after 8 hours in any case. */
export const CONSOLE_IDLE_MS = 15 * 60_000;
export const CONSOLE_MAX_MS = 8 * 60 * 60_000;
export const CONSOLE_COOKIE = 'saldo_console';
/** How long an operator's record, as sessions check it, may be stale: removal or a new password ends sessions within this. */
export const STANDING_CACHE_MS = 5_000;

export interface ConsoleSession {
  readonly operatorId: string;
  readonly username: string;
  readonly role: OperatorRole;
  /** Every form carries it back: the cookie alone never authorises a change. */
  readonly csrf: string;
  readonly startedAt: number;
  /** A digest of the password hash at sign-in: a new password (or a removed operator) ends every session. */
  readonly credential: string;
}

type Standing = { role: OperatorRole; credential: string } | undefined;

/** Server-side operator sessions (Redis, or memory when embedded): the cookie holds a random id only. */
@Injectable()
export class ConsoleSessions {
  private readonly standings = new Map<string, { until: number; standing: Standing }>();

  constructor(
    @Inject(MessageMemory) private readonly memory: MessageMemory,
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async start(operator: Pick<ConsoleSession, 'operatorId' | 'username' | 'role' | 'credential'>): Promise<string> {
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
    const standing = await this.standing(session.operatorId);
    // Over its 8 hours, or its operator removed, given a new password or another role since.
    if (left <= 0 || standing?.role !== session.role || standing.credential !== session.credential) {
      await this.memory.delete(key(id));
      return undefined;
    }
    if (touch) await this.memory.set(key(id), raw, Math.min(CONSOLE_IDLE_MS, left));
    return { id, session };
  }

  /** The operator's role and password digest as stored (cached STANDING_CACHE_MS per process). */
  private async standing(operatorId: string): Promise<Standing> {
    const cached = this.standings.get(operatorId);
    if (cached && cached.until > Date.now()) return cached.standing;
    const row = await this.prisma.operator.findUnique({ where: { id: operatorId }, select: { role: true, passwordHash: true } });
    const standing = row ? { role: row.role, credential: credentialDigest(row.passwordHash) } : undefined;
    if (this.standings.size > 1_000) this.standings.clear();
    this.standings.set(operatorId, { until: Date.now() + STANDING_CACHE_MS, standing });
    return standing;
  }

  async end(id: string): Promise<void> {
    await this.memory.delete(key(id));
  }

  cookie(id: string | undefined): string {
    const secure = this.config.http.publicBaseUrl.startsWith('https:') ? '; Secure' : '';
    // No Max-Age while signed in: the server ends the session (idle and absolute limits); a fixed
    // cookie age would sign an operator out mid-work 15 minutes after signing in.
    const age = id ? '' : '; Max-Age=0';
    return `${CONSOLE_COOKIE}=${id ?? ''}; Path=/console; HttpOnly; SameSite=Strict${age}${secure}`;
  }
}

function key(id: string): string {
  return `console:session:${id}`;
}

/** Identifies a password hash without storing it in the session (the hash itself stays in the database). */
export function credentialDigest(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}
