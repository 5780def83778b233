import { Prisma } from './generated/prisma/client.js';

/**
 * A unique-key violation, described the same way whichever adapter reported it. Prisma 7 has no
 * `meta.target`; the details sit in `meta.driverAdapterError.cause` and differ by adapter:
 * adapter-pg gives `constraint: { index }` and `table`, pglite-prisma-adapter gives
 * `constraint: { fields }` (column names). Both carry PostgreSQL's own message, which names the
 * constraint, so the constraint name is the one thing every caller can rely on.
 */
export interface UniqueViolation {
  /** e.g. `operators_username_key`, `idempotency_records_pkey` */
  constraint: string | undefined;
  /** Column names, when the adapter reports them (PGlite only). */
  fields: string[] | undefined;
}

interface AdapterErrorCause {
  kind?: string;
  originalCode?: string;
  originalMessage?: string;
  constraint?: { index?: string; fields?: string[] };
}

const UNIQUE_VIOLATION = '23505';
const CONSTRAINT_IN_MESSAGE = /unique constraint "([^"]+)"/;

/**
 * Returns the violation when `err` is a unique-key violation: P2002 from a model query, P2010 from
 * a raw query, or a driver error (pg / PGlite) with SQLSTATE 23505; otherwise undefined.
 */
export function uniqueViolation(err: unknown): UniqueViolation | undefined {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = (err.meta?.driverAdapterError as { cause?: AdapterErrorCause } | undefined)?.cause;
    const unique = err.code === 'P2002' || cause?.kind === 'UniqueConstraintViolation' || cause?.originalCode === UNIQUE_VIOLATION;
    if (!unique) return undefined;
    return {
      constraint: cause?.constraint?.index ?? cause?.originalMessage?.match(CONSTRAINT_IN_MESSAGE)?.[1],
      fields: cause?.constraint?.fields,
    };
  }
  // Errors straight from pg or PGlite (outside Prisma) carry SQLSTATE and the constraint name.
  if (err instanceof Error && (err as { code?: unknown }).code === UNIQUE_VIOLATION) {
    const constraint = (err as { constraint?: unknown }).constraint;
    return { constraint: typeof constraint === 'string' ? constraint : undefined, fields: undefined };
  }
  return undefined;
}

/** True when `err` is a unique-key violation (of `constraint`, when given). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const violation = uniqueViolation(err);
  return violation !== undefined && (constraint === undefined || violation.constraint === constraint);
}
