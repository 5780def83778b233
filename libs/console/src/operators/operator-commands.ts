import { hash } from '@node-rs/argon2';
import type { OperatorRole, PrismaClient } from '#db';

export interface OperatorCommandIo {
  out(line: string): void;
  err(line: string): void;
  /** The password, read from standard input: never an argument (arguments show in `ps` and shell history). */
  readPassword(): Promise<string>;
  open(): Promise<{ prisma: PrismaClient; close(): Promise<void> }>;
}

const ROLES: Record<string, OperatorRole> = { admin: 'ADMIN', support: 'SUPPORT', auditor: 'AUDITOR' };
export const MIN_PASSWORD_LENGTH = 12;

const USAGE = `usage: npm run operators -- <command>
  list                               operators, roles and locks
  add <username> <admin|support|auditor>   the password is read from standard input
  set-password <username>            a new password from standard input; clears a lockout
  unlock <username>                  clears the failed sign-ins and the lock
  remove <username>                  the operator can no longer sign in (their audit rows stay)`;

/**
 * Operator accounts on the command line: how a bank creates its first admin (the console manages
 * terminals, partners and issuers, not its own operators). Exit codes: 0 done, 1 not found, 2 bad input.
 */
export async function runOperatorCommand(argv: readonly string[], io: OperatorCommandIo): Promise<number> {
  const [command, username, role] = argv;
  if (!command || command === 'help' || command === '--help') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'list' && (!username || !/^[a-z0-9._-]{2,64}$/i.test(username))) {
    io.err('operators: a username of 2-64 letters, digits, dots, dashes or underscores is needed');
    return 2;
  }
  if (command === 'add' && !ROLES[role ?? '']) {
    io.err('operators: the role is one of admin, support, auditor');
    return 2;
  }
  if (!['list', 'add', 'set-password', 'unlock', 'remove'].includes(command)) {
    io.err(`operators: unknown command ${command}\n${USAGE}`);
    return 2;
  }
  const password = command === 'add' || command === 'set-password' ? (await io.readPassword()).replace(/\r?\n$/, '') : undefined;
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) {
    io.err(`operators: the password must be at least ${MIN_PASSWORD_LENGTH} characters (nothing was changed)`);
    return 2;
  }
  const db = await io.open();
  try {
    const { prisma } = db;
    const name = username ?? '';
    switch (command) {
      case 'list': {
        for (const o of await prisma.operator.findMany({ orderBy: { username: 'asc' } })) {
          const lock = o.lockedUntil && o.lockedUntil > new Date() ? ` locked until ${o.lockedUntil.toISOString()}` : '';
          io.out(`${o.username} ${o.role.toLowerCase()} failed=${o.failedLogins}${lock}`);
        }
        return 0;
      }
      case 'add': {
        if (await prisma.operator.findUnique({ where: { username: name } })) {
          io.err(`operators: ${name} exists already (use set-password)`);
          return 2;
        }
        await prisma.operator.create({ data: { username: name, role: ROLES[role ?? ''], passwordHash: await hash(password ?? '') } });
        io.out(`${name} added as ${role}`);
        return 0;
      }
      case 'set-password':
      case 'unlock': {
        const data = { failedLogins: 0, lockedUntil: null, ...(password ? { passwordHash: await hash(password) } : {}) };
        const { count } = await prisma.operator.updateMany({ where: { username: name }, data });
        if (count === 0) return notFound(io, name);
        io.out(command === 'unlock' ? `${name} unlocked` : `${name}: password changed`);
        return 0;
      }
      default: {
        const { count } = await prisma.operator.deleteMany({ where: { username: name } });
        if (count === 0) return notFound(io, name);
        io.out(`${name} removed`);
        return 0;
      }
    }
  } finally {
    await db.close();
  }
}

function notFound(io: OperatorCommandIo, name: string): number {
  io.err(`operators: no operator ${name}`);
  return 1;
}
