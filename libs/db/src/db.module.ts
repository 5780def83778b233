import { Global, Logger, Module } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { PrismaClient } from './generated/prisma/client.js';
import { createPrismaClient, type PrismaHandle } from './prisma.factory.js';
import { PRISMA_HANDLE, PrismaLifecycle } from './prisma.service.js';
import { SqlClient } from './sql-client.js';

/**
 * Provides PrismaClient and SqlClient (inject them by class) for the configured database, migrated at start-up.
 * Global, so feature modules need not import it; needs the global SaldoConfigModule.
 */
@Global()
@Module({
  providers: [
    {
      provide: PRISMA_HANDLE,
      inject: [SaldoConfig],
      useFactory: async (config: SaldoConfig): Promise<PrismaHandle> => {
        const handle = await createPrismaClient(config.database);
        if (handle.appliedMigrations.length) {
          new Logger('DbModule').log(`applied migrations: ${handle.appliedMigrations.join(', ')}`);
        }
        return handle;
      },
    },
    { provide: PrismaClient, inject: [PRISMA_HANDLE], useFactory: (handle: PrismaHandle) => handle.prisma },
    { provide: SqlClient, inject: [PRISMA_HANDLE], useFactory: (handle: PrismaHandle) => handle.sql },
    PrismaLifecycle,
  ],
  exports: [PrismaClient, SqlClient],
})
export class DbModule {}
