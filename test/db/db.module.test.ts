import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SaldoConfig, SaldoConfigModule } from '#config';
import { DbModule, PrismaClient } from '#db';
import { ADMIN_URL, createTestDatabase } from '../support/databases.js';

function compile(env: Record<string, string>) {
  return Test.createTestingModule({ imports: [SaldoConfigModule.forRoot(new SaldoConfig(env)), DbModule] }).compile();
}

describe('DbModule', () => {
  it('provides a migrated PrismaClient over PGlite and closes it on shutdown', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'saldo-dbmodule-'));
    try {
      const app = await compile({ DATA_DIR: path.join(dir, 'data') });
      await app.init();
      const prisma = app.get(PrismaClient);
      expect(await prisma.auditEvent.count()).toBe(0);
      await app.close();
      await expect(prisma.auditEvent.count()).rejects.toThrow(/closed/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('provides a migrated PrismaClient over PostgreSQL and releases its connections on shutdown', async () => {
    const database = await createTestDatabase('dbmodule');
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    const connections = async () =>
      Number((await admin.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database.name])).rows[0].n);
    try {
      const app = await compile({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: '2' });
      await app.init();
      expect(await app.get(PrismaClient).operator.count()).toBe(0);
      expect(await connections()).toBeGreaterThan(0);
      await app.close();
      // A backend leaves pg_stat_activity a moment after its client hangs up: wait, boundedly.
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline && (await connections()) > 0) await new Promise((r) => setTimeout(r, 20));
      expect(await connections()).toBe(0);
    } finally {
      await admin.end();
      await database.drop();
    }
  });
});
