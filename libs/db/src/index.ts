export { PrismaClient, Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/client.js';
export * from './generated/prisma/enums.js';
export { DbModule } from './db.module.js';
export { createPrismaClient, createInMemoryPrismaClient, type PrismaHandle } from './prisma.factory.js';
export {
  applyMigrations,
  deployMigrations,
  findMigrationsDir,
  migrationChecksum,
  MigrationError,
  pgTarget,
  readLocalMigrations,
  type LocalMigration,
  type MigrationOptions,
  type MigrationTarget,
  type SqlSession,
} from './migrations.js';
export { applyPgliteMigrations, type PgliteMigrationTarget } from './pglite-migrations.js';
export { isUniqueViolation, uniqueViolation, type UniqueViolation } from './unique-violation.js';
export { SqlClient, PgSqlClient, PgliteSqlClient, type SqlStatement } from './sql-client.js';
