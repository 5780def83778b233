import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

export interface SqlStatement {
  /** A stable name: the PostgreSQL driver prepares the statement once per connection under it. */
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * Plain SQL on the same database and pool as Prisma, for the few statements on every query's path
 * (the card lookup, the audit insert): one round trip, prepared, without the ORM's per-query cost.
 * Everything else goes through PrismaClient. Column types come back as the driver gives them
 * (int8 as a string from pg, as a number or bigint from PGlite): callers convert.
 */
export abstract class SqlClient {
  abstract query<Row>(statement: SqlStatement): Promise<Row[]>;
}

export class PgSqlClient extends SqlClient {
  constructor(private readonly pool: pg.Pool) {
    super();
  }

  async query<Row>(statement: SqlStatement): Promise<Row[]> {
    const result = await this.pool.query({ name: statement.name, text: statement.text, values: statement.values.map(arrayAsLiteral) });
    return result.rows as Row[];
  }
}

/**
 * A one-level array of text, numbers, dates or nulls as PostgreSQL's array literal, built here:
 * the batch statements pass arrays of hundreds of elements, and the driver's own conversion runs
 * two regular expressions per element (a few per cent of the POS path's CPU). Anything else is
 * left to the driver.
 */
export function arrayAsLiteral(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  let out = '{';
  for (let i = 0; i < value.length; i++) {
    const element: unknown = value[i];
    let text: string;
    if (element === null || element === undefined) text = 'NULL';
    else if (typeof element === 'string') text = quoted(element);
    else if (typeof element === 'number' || typeof element === 'bigint') text = String(element);
    else if (element instanceof Date) text = quoted(element.toISOString());
    else return value;
    out += i === 0 ? text : ',' + text;
  }
  return out + '}';
}

function quoted(text: string): string {
  return text.includes('"') || text.includes('\\') ? `"${text.replace(/[\\"]/g, '\\$&')}"` : `"${text}"`;
}

export class PgliteSqlClient extends SqlClient {
  constructor(private readonly db: Pick<PGlite, 'query'>) {
    super();
  }

  async query<Row>(statement: SqlStatement): Promise<Row[]> {
    const result = await this.db.query<Row>(statement.text, [...statement.values]);
    return result.rows;
  }
}
