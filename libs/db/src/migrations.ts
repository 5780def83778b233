import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * Applies prisma/migrations at start-up, to PostgreSQL (through `pg`) or PGlite, with the same
 * `_prisma_migrations` bookkeeping as `prisma migrate deploy` and tools/migrate.mjs: a database
 * migrated by one is accepted by the others. No schema engine is loaded, so start-up stays fast.
 */

/** What the applier needs from a connection; PGlite, its transactions and pgTarget() all have it. */
export interface SqlSession {
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}
export interface MigrationTarget extends SqlSession {
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
}

export interface LocalMigration {
  /** The folder name, e.g. `20261125111425_init`. */
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationOptions {
  /** Defaults to the repository's prisma/migrations (see findMigrationsDir). */
  migrationsDir?: string;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

// The key `prisma migrate` locks, so this applier, tools/migrate.mjs and the Prisma CLI serialise.
const PRISMA_ADVISORY_LOCK = 72707369;

// Prisma's own DDL for its bookkeeping table.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
}

/**
 * The repository's prisma/migrations, found by walking up from this file: it sits at
 * libs/db/src/ when run from source and at dist/libs/db/src/ once compiled.
 */
export function findMigrationsDir(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new MigrationError(`no prisma/migrations folder above ${from}`);
  }
}

/** sha256 of migration.sql, hex: the checksum Prisma stores. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Migration folders in name (= time) order, as Prisma reads them. */
export function readLocalMigrations(migrationsDir: string = findMigrationsDir()): LocalMigration[] {
  return readdirSync(migrationsDir)
    .filter((name) => statSync(path.join(migrationsDir, name)).isDirectory())
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) throw new MigrationError(`${file} is missing`);
      const sql = readFileSync(file, 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    });
}

/** Like Prisma, accept a file whose only change is CRLF line endings (a Git checkout on Windows). */
function sameChecksum(local: LocalMigration, stored: string): boolean {
  return local.checksum === stored || migrationChecksum(local.sql.replaceAll('\r\n', '\n')) === stored;
}

/**
 * Applies every local migration missing from `_prisma_migrations`, each in its own transaction
 * together with its bookkeeping row, and returns their names (empty when up to date).
 * Refuses, before changing anything, when a migration failed earlier (a row Prisma's engine left
 * unfinished) or when an applied migration.sql has been edited since.
 */
export async function applyMigrations(db: MigrationTarget, options: MigrationOptions = {}): Promise<string[]> {
  const local = readLocalMigrations(options.migrationsDir ?? findMigrationsDir());
  await db.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
  try {
    await db.exec(CREATE_MIGRATIONS_TABLE);
    const { rows } = await db.query(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const applied = new Map((rows as AppliedRow[]).map((r) => [r.migration_name, r]));
    for (const row of applied.values()) {
      if (row.finished_at === null) {
        throw new MigrationError(
          `migration ${row.migration_name} failed earlier and was left unfinished in _prisma_migrations; ` +
            'repair the database, then mark it rolled back (set rolled_back_at) or applied (set finished_at)',
        );
      }
    }
    for (const migration of local) {
      const row = applied.get(migration.name);
      if (row && !sameChecksum(migration, row.checksum)) {
        throw new MigrationError(
          `migration ${migration.name} was edited after it was applied (checksum ${row.checksum} in the ` +
            `database, ${migration.checksum} on disk); restore the file and put the change in a new migration`,
        );
      }
    }
    const pending = local.filter((m) => !applied.has(m.name));
    for (const migration of pending) {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
      }).catch((err: unknown) => {
        throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${String(err)}`, { cause: err });
      });
    }
    return pending.map((m) => m.name);
  } finally {
    // Must not hide the real error if the connection is gone; the lock dies with the session then.
    await db.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
  }
}

/** A MigrationTarget over one pg connection (the advisory lock belongs to the session). */
export function pgTarget(client: pg.ClientBase): MigrationTarget {
  const session: SqlSession = {
    exec: (sql) => client.query(sql),
    query: (sql, params) => client.query(sql, params),
  };
  return {
    ...session,
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        const result = await fn(session);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    },
  };
}

/** Applies pending migrations to the PostgreSQL database at `url`; returns the names applied. */
export async function deployMigrations(url: string, options: MigrationOptions = {}): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await applyMigrations(pgTarget(client), options);
  } finally {
    await client.end();
  }
}
