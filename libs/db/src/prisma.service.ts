import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { PrismaHandle } from './prisma.factory.js';

/** Injection token of the PrismaHandle behind the PrismaClient provider (internal to DbModule). */
export const PRISMA_HANDLE = Symbol('PRISMA_HANDLE');

/** Closes the database (Prisma, then the pg pool or the PGlite instance) when the application stops. */
@Injectable()
export class PrismaLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PRISMA_HANDLE) private readonly handle: PrismaHandle) {}

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}
