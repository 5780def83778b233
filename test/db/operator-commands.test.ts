import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SaldoConfig } from '#config';
import { createPrismaClient, type PrismaHandle } from '#db';
import { runOperatorCommand } from '#console';
import { createTestDatabase } from '../support/databases.js';

describe('operator accounts on the command line (npm run operators)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: PrismaHandle;

  beforeAll(async () => {
    database = await createTestDatabase('operators');
    db = await createPrismaClient(new SaldoConfig({ DATABASE_URL: database.url }).database);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  async function run(argv: string[], password = '') {
    const out: string[] = [];
    const err: string[] = [];
    let asked = 0;
    const code = await runOperatorCommand(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readPassword: async () => {
        asked += 1;
        return password;
      },
      open: async () => ({ prisma: db.prisma, close: async () => undefined }),
    });
    return { code, out, err, asked };
  }

  it('adds an operator with an argon2id hash of a password read from input, never from the arguments', async () => {
    const added = await run(['add', 'first-admin', 'admin'], 'a long enough password\n');
    expect(added).toMatchObject({ code: 0, out: ['first-admin added as admin'], asked: 1 });
    const row = await db.prisma.operator.findUniqueOrThrow({ where: { username: 'first-admin' } });
    expect(row.role).toBe('ADMIN');
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verify(row.passwordHash, 'a long enough password')).toBe(true);
    expect((await run(['add', 'first-admin', 'admin'], 'another long password')).code).toBe(2);
  });

  it('refuses a short password, an unknown role and a bad username, changing nothing', async () => {
    expect(await run(['add', 'short', 'support'], 'too-short')).toMatchObject({ code: 2, err: [expect.stringContaining('at least 12 characters')] });
    expect(await run(['add', 'someone', 'superuser'], 'a long enough password')).toMatchObject({ code: 2, asked: 0 });
    expect((await run(['add', 'bad name!', 'support'], 'a long enough password')).code).toBe(2);
    expect(await db.prisma.operator.count({ where: { username: { in: ['short', 'someone', 'bad name!'] } } })).toBe(0);
  });

  it('unlocks a locked operator, sets a new password, lists and removes', async () => {
    await db.prisma.operator.update({ where: { username: 'first-admin' }, data: { failedLogins: 10, lockedUntil: new Date(Date.now() + 60_000) } });
    expect((await run(['list'])).out).toEqual([expect.stringMatching(/^first-admin admin failed=10 locked until /)]);
    expect((await run(['unlock', 'first-admin'])).code).toBe(0);
    expect((await run(['list'])).out).toEqual(['first-admin admin failed=0']);
    expect((await run(['set-password', 'first-admin'], 'the next long password')).code).toBe(0);
    const row = await db.prisma.operator.findUniqueOrThrow({ where: { username: 'first-admin' } });
    expect(await verify(row.passwordHash, 'the next long password')).toBe(true);
    expect((await run(['unlock', 'nobody'])).code).toBe(1);
    expect((await run(['remove', 'first-admin'])).code).toBe(0);
    expect(await db.prisma.operator.count()).toBe(0);
  });
});
