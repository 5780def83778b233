import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyPgliteMigrations,
  createInMemoryPrismaClient,
  createPrismaClient,
  deployMigrations,
  findMigrationsDir,
  migrationChecksum,
  pgTarget,
  readLocalMigrations,
  type SqlSession,
} from '#db';
import { createTestDatabase } from '../support/databases.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LOCAL = readLocalMigrations();
const LOCAL_NAMES = LOCAL.map((m) => m.name);
const TABLES = [
  '_prisma_migrations',
  'accounts',
  'audit_events',
  'bin_ranges',
  'card_accounts',
  'cardholders',
  'cards',
  'idempotency_records',
  'issuers',
  'keys',
  'operators',
  'outbound_messages',
  'partner_client_issuers',
  'partner_clients',
  'phone_numbers',
  'terminals',
  'transactions',
];

async function tables(db: SqlSession): Promise<string[]> {
  const { rows } = await db.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return (rows as { table_name: string }[]).map((r) => r.table_name);
}

async function bookkeeping(db: SqlSession) {
  const { rows } = await db.query(
    'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
  );
  return rows as { migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[];
}

/** Inserts one audit row, then checks that every way of changing it is refused and it survives. */
async function expectAuditAppendOnly(db: SqlSession): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (at, channel, requester, outcome, latency_micros, correlation_id)
     VALUES (now(), 'rest', 'partner-1', 'APPROVED', 120, 'corr-1')`,
  );
  await expect(db.query("UPDATE audit_events SET outcome = 'DECLINED'")).rejects.toThrow(/audit_events is append-only \(UPDATE/);
  await expect(db.query('DELETE FROM audit_events')).rejects.toThrow(/audit_events is append-only \(DELETE/);
  await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/audit_events is append-only \(TRUNCATE/);
  // Statement-level: refused even when no row matches.
  await expect(db.query('DELETE FROM audit_events WHERE false')).rejects.toThrow(/append-only/);
  const { rows } = await db.query('SELECT outcome FROM audit_events');
  expect(rows).toEqual([{ outcome: 'APPROVED' }]);
}

it('finds prisma/migrations from the source tree and from the compiled tree', () => {
  const expected = path.join(ROOT, 'prisma', 'migrations');
  expect(findMigrationsDir()).toBe(expected);
  expect(findMigrationsDir(path.join(ROOT, 'dist', 'libs', 'db', 'src'))).toBe(expected);
  expect(LOCAL_NAMES.length).toBeGreaterThan(0);
  expect(LOCAL_NAMES[0]).toMatch(/^\d{14}_init$/);
});

describe('PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let session: SqlSession;

  beforeAll(async () => {
    database = await createTestDatabase('migrations');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    session = pgTarget(client);
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('applies every migration once, with Prisma bookkeeping', async () => {
    expect(await deployMigrations(database.url)).toEqual(LOCAL_NAMES);
    expect(await tables(session)).toEqual(TABLES);
    const rows = await bookkeeping(session);
    expect(rows.map((r) => r.migration_name)).toEqual(LOCAL_NAMES);
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(LOCAL[i].checksum);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('applies nothing the second time', async () => {
    expect(await deployMigrations(database.url)).toEqual([]);
    expect((await bookkeeping(session)).length).toBe(LOCAL_NAMES.length);
  });

  it('makes audit_events append-only', async () => {
    await expectAuditAppendOnly(session);
  });

  it('serialises concurrent starters on the advisory lock', async () => {
    const other = await createTestDatabase('migrations_race');
    try {
      const results = await Promise.all([deployMigrations(other.url), deployMigrations(other.url), deployMigrations(other.url)]);
      expect(results.flat().sort()).toEqual(LOCAL_NAMES);
    } finally {
      await other.drop();
    }
  });
});

describe('bookkeeping shared with the WASM schema engine (tools/migrate.mjs deploy)', () => {
  const exec = promisify(execFile);
  const tool = (url: string) => exec(process.execPath, ['tools/migrate.mjs', 'deploy', '--url', url], { cwd: ROOT });

  it('accepts a database the engine migrated, and the engine accepts ours', async () => {
    const [byEngine, byUs] = await Promise.all([createTestDatabase('engine_first'), createTestDatabase('applier_first')]);
    try {
      expect((await tool(byEngine.url)).stdout).toContain(`Applied ${LOCAL_NAMES.length} migration(s)`);
      expect(await deployMigrations(byEngine.url)).toEqual([]);

      expect(await deployMigrations(byUs.url)).toEqual(LOCAL_NAMES);
      expect((await tool(byUs.url)).stdout).toContain('No pending migrations');
    } finally {
      await Promise.all([byEngine.drop(), byUs.drop()]);
    }
  });

  it('exits non-zero with the reason when the database is unreachable', async () => {
    const failure = await tool('postgresql://postgres@127.0.0.1:5432/saldo_no_such_database').catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/migrate deploy failed: .*saldo_no_such_database/) });
  });
});

describe('PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create('memory://');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('applies every migration once, with Prisma bookkeeping', async () => {
    expect(await applyPgliteMigrations(db)).toEqual(LOCAL_NAMES);
    expect(await tables(db)).toEqual(TABLES);
    expect((await bookkeeping(db)).map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      LOCAL.map((m) => [m.name, m.checksum, 1]),
    );
    expect(await applyPgliteMigrations(db)).toEqual([]);
    expect((await bookkeeping(db)).length).toBe(LOCAL_NAMES.length);
  });

  it('makes audit_events append-only', async () => {
    await expectAuditAppendOnly(db);
  });

  it('refuses audit changes through Prisma too', async () => {
    const handle = await createInMemoryPrismaClient();
    try {
      const event = await handle.prisma.auditEvent.create({
        data: { at: new Date(), channel: 'ivr', requester: 'caller', outcome: 'APPROVED', latencyMicros: 1, correlationId: 'c' },
      });
      await expect(handle.prisma.auditEvent.update({ where: { id: event.id }, data: { outcome: 'X' } })).rejects.toThrow(/append-only/);
      await expect(handle.prisma.auditEvent.deleteMany()).rejects.toThrow(/append-only/);
      expect(await handle.prisma.auditEvent.count()).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it('gives each in-memory client its own database', async () => {
    const [a, b] = await Promise.all([createInMemoryPrismaClient(), createInMemoryPrismaClient()]);
    try {
      await a.prisma.operator.create({ data: { username: 'only-in-a', passwordHash: 'x', role: 'ADMIN' } });
      expect(await a.prisma.operator.count()).toBe(1);
      expect(await b.prisma.operator.count()).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('creates a data directory (and its missing parents) and keeps data across restarts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'saldo-db-'));
    const dataDir = path.join(dir, 'nested', 'data');
    try {
      const first = await createPrismaClient({ driver: 'pglite', dataDir });
      expect(first.appliedMigrations).toEqual(LOCAL_NAMES);
      await first.prisma.operator.create({ data: { username: 'persisted', passwordHash: 'x', role: 'AUDITOR' } });
      await first.close();
      const second = await createPrismaClient({ driver: 'pglite', dataDir });
      try {
        expect(second.appliedMigrations).toEqual([]);
        expect(await second.prisma.operator.findMany({ select: { username: true } })).toEqual([{ username: 'persisted' }]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('refusals', () => {
  let dir: string;
  let db: PGlite;
  const migrationFile = (name: string) => path.join(dir, name, 'migration.sql');
  const addMigration = (name: string, sql: string) => {
    mkdirSync(path.join(dir, name));
    writeFileSync(migrationFile(name), sql);
  };

  let migrated: Blob; // an image of a migrated database: loading it is ~5x faster than initdb
  beforeAll(async () => {
    const template = await PGlite.create('memory://');
    await applyPgliteMigrations(template);
    migrated = await template.dumpDataDir('none');
    await template.close();
  });
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'saldo-migrations-'));
    cpSync(findMigrationsDir(), dir, { recursive: true });
    db = await PGlite.create({ loadDataDir: migrated });
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-data`, { recursive: true, force: true });
  });

  it('refuses to start when an applied migration was edited, before applying anything new', async () => {
    const init = LOCAL_NAMES[0];
    writeFileSync(migrationFile(init), `${readFileSync(migrationFile(init), 'utf8')}\n-- edited\n`);
    addMigration('29990101000000_next', 'CREATE TABLE "next_table" ("id" INTEGER);');
    await expect(applyPgliteMigrations(db, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(`migration ${init} was edited after it was applied`),
    );
    expect(await tables(db)).not.toContain('next_table');
  });

  it('makes a PGlite-mode start-up fail until the file is restored', async () => {
    const dataDir = `${dir}-data`;
    await (await createPrismaClient({ driver: 'pglite', dataDir }, { migrationsDir: dir })).close();
    const init = LOCAL_NAMES[0];
    writeFileSync(migrationFile(init), `${readFileSync(migrationFile(init), 'utf8')}\n-- edited\n`);
    await expect(createPrismaClient({ driver: 'pglite', dataDir }, { migrationsDir: dir })).rejects.toThrow(/was edited after it was applied/);
    writeFileSync(migrationFile(init), readFileSync(path.join(findMigrationsDir(), init, 'migration.sql'), 'utf8'));
    await (await createPrismaClient({ driver: 'pglite', dataDir }, { migrationsDir: dir })).close();
  });

  it('accepts a file whose only change is CRLF line endings', async () => {
    const init = LOCAL_NAMES[0];
    const original = readFileSync(migrationFile(init), 'utf8');
    writeFileSync(migrationFile(init), original.replaceAll('\n', '\r\n'));
    expect(migrationChecksum(readFileSync(migrationFile(init), 'utf8'))).not.toBe(LOCAL[0].checksum);
    expect(await applyPgliteMigrations(db, { migrationsDir: dir })).toEqual([]);
  });

  it('rolls back a failing migration entirely and records nothing', async () => {
    addMigration('29990101000000_broken', 'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT no_such_function();');
    await expect(applyPgliteMigrations(db, { migrationsDir: dir })).rejects.toThrow(
      /migration 29990101000000_broken failed and was rolled back: .*no_such_function/,
    );
    expect(await tables(db)).not.toContain('half_done');
    expect((await bookkeeping(db)).map((r) => r.migration_name)).toEqual(LOCAL_NAMES);

    writeFileSync(migrationFile('29990101000000_broken'), 'CREATE TABLE "half_done" ("id" INTEGER);');
    expect(await applyPgliteMigrations(db, { migrationsDir: dir })).toEqual(['29990101000000_broken']);
  });

  it('refuses to start over a migration the engine left unfinished', async () => {
    await db.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, applied_steps_count)
       VALUES ('00000000-0000-0000-0000-000000000001', 'x', '29990101000000_crashed', 0)`,
    );
    await expect(applyPgliteMigrations(db, { migrationsDir: dir })).rejects.toThrow(
      /migration 29990101000000_crashed failed earlier and was left unfinished/,
    );
  });
});
