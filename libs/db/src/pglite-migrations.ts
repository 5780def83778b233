import type { PGliteInterface } from '@electric-sql/pglite';
import { applyMigrations, type MigrationOptions } from './migrations.js';

/**
 * The part of PGlite the applier uses, typed structurally: a PGlite loaded through another module
 * path (or a test double) is still accepted, where the class type would clash on its #private fields.
 */
export type PgliteMigrationTarget = Pick<PGliteInterface, 'exec' | 'query' | 'transaction'>;

/** Applies pending migrations to an open PGlite database; returns the names applied. */
export function applyPgliteMigrations(db: PgliteMigrationTarget, options: MigrationOptions = {}): Promise<string[]> {
  return applyMigrations(db, options);
}
