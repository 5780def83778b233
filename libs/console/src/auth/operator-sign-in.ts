import { Inject, Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { Prisma, PrismaClient, type OperatorRole } from '#db';
import { RateLimitService } from '#platform';
import { credentialDigest } from './console-sessions.js';

/** Ten wrong passwords in a row lock an operator out for thirty minutes. */
export const MAX_FAILED_SIGN_INS = 10;
export const LOCKOUT_MINUTES = 30;

// Verified against when the username is unknown, so a miss costs the time a wrong password does.
const DUMMY_HASH = hash('saldo-no-such-operator');

export type SignInResult =
  | { readonly ok: true; readonly operator: { readonly operatorId: string; readonly username: string; readonly role: OperatorRole; readonly credential: string } }
  /** `unknown`: no such username (told to the person exactly like `wrong`). */
  | { readonly ok: false; readonly reason: 'wrong' | 'unknown' | 'locked' | 'rate-limited' };

/** Username and password (argon2id), with a per-operator lockout and a per-address limit on failures. */
@Injectable()
export class OperatorSignIn {
  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(RateLimitService) private readonly limits: RateLimitService,
  ) {}

  async attempt(username: string, password: string, address: string): Promise<SignInResult> {
    // Counted before the password is checked, so that guesses sent in parallel cannot all pass a
    // limit that is still below its count; a right password is given back below.
    const addressKey = `console:${address}`;
    if (!(await this.limits.consume('auth-failure-ip', addressKey)).allowed) return { ok: false, reason: 'rate-limited' };
    const operator = await this.prisma.operator.findUnique({ where: { username } });
    const locked = operator?.lockedUntil && operator.lockedUntil > new Date();
    // A locked account costs the same argon2 time as any other try: a quick answer would say the name exists.
    const passwordOk = await verify(operator && !locked ? operator.passwordHash : await DUMMY_HASH, password);
    if (locked || !operator || !passwordOk) {
      if (locked) return { ok: false, reason: 'locked' };
      if (!operator) return { ok: false, reason: 'unknown' };
      return { ok: false, reason: (await this.countFailure(operator.id)) ? 'locked' : 'wrong' };
    }
    await this.limits.refund('auth-failure-ip', addressKey);
    // Wrong passwords checked at the same time may have locked the account meanwhile: the lock wins.
    if (!(await this.clearFailures(operator.id))) return { ok: false, reason: 'locked' };
    return { ok: true, operator: { operatorId: operator.id, username: operator.username, role: operator.role, credential: credentialDigest(operator.passwordHash) } };
  }

  /** Clears the count of wrong passwords unless the account is locked now; answers whether it is not. */
  private async clearFailures(operatorId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
      UPDATE operators SET failed_logins = 0, locked_until = NULL
       WHERE id = ${operatorId}::uuid AND (locked_until IS NULL OR locked_until <= now())
   RETURNING id`);
    return rows.length === 1;
  }

  /** One statement, so parallel wrong passwords (several instances) count exactly; a lapsed lock starts a new count. */
  private async countFailure(operatorId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ locked: boolean }[]>(Prisma.sql`
      UPDATE operators
         SET failed_logins = CASE WHEN locked_until <= now() THEN 1 ELSE failed_logins + 1 END,
             locked_until = CASE
               WHEN locked_until <= now() THEN NULL
               WHEN failed_logins + 1 >= ${MAX_FAILED_SIGN_INS} THEN now() + make_interval(mins => ${LOCKOUT_MINUTES})
               ELSE locked_until END
       WHERE id = ${operatorId}::uuid
   RETURNING locked_until IS NOT NULL AS locked`);
    return rows[0]?.locked ?? false;
  }
}
