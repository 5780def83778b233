import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The baseline: a bare NestJS + Fastify endpoint that parses the same JSON body and answers a
 * balance-shaped JSON document, with no auth, no limits, no database, no audit.
 */
@Controller('v1')
class BareController {
  @Post('balance-inquiries')
  @HttpCode(200)
  inquire(@Body() body: { pan?: string }) {
    return {
      inquiryId: 'bare',
      card: { last4: String(body.pan ?? '').slice(-4), issuer: 'BARE' },
      accounts: [{ type: 'checking', currency: 'USD', available: 123456, ledger: 130000, pending: 6544 }],
      asOf: new Date().toISOString(),
    };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

const port = Number(process.argv[2] ?? 3901);
const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
await app.listen(port, '127.0.0.1');
process.send?.('ready');
