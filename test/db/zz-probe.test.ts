import { it } from 'vitest';
import { createInMemoryPrismaClient, PrismaClient } from '#db';
it('probe', async () => {
  const h = await createInMemoryPrismaClient();
  console.log('instanceof', h.prisma instanceof PrismaClient);
  await h.close();
}, 30000);
