import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { arrayAsLiteral, PgSqlClient } from '../../libs/db/src/sql-client.js';
import { ADMIN_URL } from '../support/databases.js';

const pool = new pg.Pool({ connectionString: ADMIN_URL, max: 1 });
const sql = new PgSqlClient(pool);
afterAll(() => pool.end());

describe('arrays sent as literals by PgSqlClient', () => {
  it('reach PostgreSQL element for element, whatever the text holds', async () => {
    const texts = ['plain', '', 'NULL', null, 'with "quotes"', 'back\\slash\\', '{braces},commas', '  spaced  ', 'é 中文 ☃', '\\"', 'a\nb'];
    const rows = await sql.query<{ t: string[] }>({ name: 'array-literal-text', text: 'SELECT $1::text[] AS t', values: [texts] });
    expect(rows[0].t).toEqual(texts);
  });

  it('carry numbers, big integers, dates and JSON the way the driver did', async () => {
    const at = new Date('2026-12-03T13:28:19.956Z');
    const rows = await sql.query<{ n: number[]; b: string[]; d: Date[]; j: unknown[] }>({
      name: 'array-literal-mixed',
      text: 'SELECT $1::int[] AS n, $2::int8[]::text[] AS b, $3::timestamptz[] AS d, $4::jsonb[] AS j',
      values: [[1, -2, null], [9007199254740993n], [at, null], [JSON.stringify({ reason: 'a "quoted" \\ value' }), null]],
    });
    expect(rows[0]).toEqual({ n: [1, -2, null], b: ['9007199254740993'], d: [at, null], j: [{ reason: 'a "quoted" \\ value' }, null] });
  });

  it('leave nested arrays and other values to the driver', () => {
    const nested = [['a'], ['b']];
    expect(arrayAsLiteral(nested)).toBe(nested);
    expect(arrayAsLiteral('x')).toBe('x');
    expect(arrayAsLiteral(['a', 'b"c'])).toBe('{"a","b\\"c"}');
  });
});
