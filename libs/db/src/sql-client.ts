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
    const result = await this.pool.query({ name: statement.name, text: statement.text, values: [...statement.values] });
    return result.rows as Row[];
  }
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
