import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PrismaClient } from '#db';
import { CryptoPort } from '#hsm';
import { RedisConnections } from '#platform';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(RedisConnections) private readonly redis: RedisConnections,
    @Inject(CryptoPort) private readonly crypto: CryptoPort,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when the database, Redis (if configured) and the crypto service all answer. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: FastifyReply): Promise<Record<string, unknown>> {
    const [database, redis, crypto] = await Promise.all([
      this.prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
      this.redis.ping(),
      this.crypto.health().then(
        (h) => h.ok,
        () => false,
      ),
    ]);
    const ok = database && redis && crypto;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: { database, redis, crypto } };
  }
}
