import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryPrismaClient, createPrismaClient, isUniqueViolation, uniqueViolation, type PrismaHandle } from '#db';
import { createTestDatabase } from '../support/databases.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

const backends = [
  {
    name: 'PostgreSQL (adapter-pg)',
    async open() {
      const database = await createTestDatabase('unique');
      const handle = await createPrismaClient({ driver: 'postgres', url: database.url, poolSize: 2 });
      return { handle, async close() { await handle.close(); await database.drop(); } };
    },
  },
  {
    name: 'PGlite (pglite-prisma-adapter)',
    async open() {
      const handle = await createInMemoryPrismaClient();
      return { handle, close: () => handle.close() };
    },
  },
];

describe.each(backends)('isUniqueViolation on $name', (backend) => {
  let db: Awaited<ReturnType<(typeof backends)[number]['open']>>;
  let prisma: PrismaHandle['prisma'];
  beforeAll(async () => {
    db = await backend.open();
    prisma = db.handle.prisma;
    await prisma.operator.create({ data: { username: 'taken', passwordHash: 'x', role: 'ADMIN' } });
    await prisma.idempotencyRecord.create({
      data: { clientId: 'c1', key: 'k1', requestHash: 'h', status: 200, body: {}, expiresAt: new Date() },
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('names the constraint of a unique index (P2002)', async () => {
    const err = await rejection(prisma.operator.create({ data: { username: 'taken', passwordHash: 'y', role: 'AUDITOR' } }));
    expect(uniqueViolation(err)?.constraint).toBe('operators_username_key');
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, 'operators_username_key')).toBe(true);
    expect(isUniqueViolation(err, 'keys_ref_key')).toBe(false);
  });

  it('names the constraint of a composite primary key', async () => {
    const err = await rejection(
      prisma.idempotencyRecord.create({
        data: { clientId: 'c1', key: 'k1', requestHash: 'h2', status: 201, body: {}, expiresAt: new Date() },
      }),
    );
    expect(isUniqueViolation(err, 'idempotency_records_pkey')).toBe(true);
  });

  it('recognises a violation from a raw query (P2010)', async () => {
    const err = await rejection(
      prisma.$executeRaw`INSERT INTO operators (id, username, password_hash, role) VALUES (gen_random_uuid(), 'taken', 'x', 'ADMIN')`,
    );
    expect(isUniqueViolation(err, 'operators_username_key')).toBe(true);
  });

  it('is false for other database errors and for non-errors', async () => {
    const foreignKey = await rejection(
      prisma.binRange.create({ data: { issuerId: '00000000-0000-0000-0000-000000000000', low: '4000', high: '4999' } }),
    );
    expect(isUniqueViolation(foreignKey)).toBe(false);
    expect(isUniqueViolation(new Error('duplicate'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});

describe('isUniqueViolation on driver errors outside Prisma', () => {
  const duplicate = "INSERT INTO t (x) VALUES (1), (1)";
  const table = 'CREATE TABLE t (x INTEGER CONSTRAINT t_x_key UNIQUE)';

  it('recognises a pg error', async () => {
    const database = await createTestDatabase('unique_pg');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(table);
      expect(uniqueViolation(await rejection(client.query(duplicate)))).toEqual({ constraint: 't_x_key', fields: undefined });
    } finally {
      await client.end();
      await database.drop();
    }
  });

  it('recognises a PGlite error', async () => {
    const db = await PGlite.create('memory://');
    try {
      await db.exec(table);
      expect(uniqueViolation(await rejection(db.query(duplicate)))).toEqual({ constraint: 't_x_key', fields: undefined });
    } finally {
      await db.close();
    }
  });
});
