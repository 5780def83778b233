import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { SaldoConfig } from '#config';
import { correlationIdOf } from '#platform';
import { AppModule } from './app.module.js';

/** Builds the API application exactly as production runs it (the e2e tests use this too). */
export async function createApiApp(config: SaldoConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: 64 * 1024,
    // Behind a load balancer every request would otherwise come from its address: one shared bucket for
    // every per-address limit (sign-in codes, operator sign-ins, token requests).
    trustProxy: config.http.trustedProxies.length ? config.http.trustedProxies : false,
    // One id per request: Fastify's request.id, the pipeline's correlation id, the log's req.id.
    genReqId: (req: IncomingMessage) => {
      const id = correlationIdOf(req);
      (req as { id?: string }).id = id;
      return id;
    },
  });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('x-correlation-id', request.id);
    done();
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.useSecurityHeaders({
    // Swagger UI at /docs needs inline scripts; everything else is JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // The demo runs on plain http://127.0.0.1; TLS is the reverse proxy's business.
        upgradeInsecureRequests: null,
      },
    },
    // Not no-referrer: under it a browser sends `Origin: null` with the page's own form posts, and the
    // cardholder page refuses every form from a real browser. same-origin still tells other sites nothing.
    referrerPolicy: { policy: 'same-origin' },
  });
  const openapi = new DocumentBuilder()
    .setTitle('Saldo partner API')
    .setDescription('Card balance and transaction queries for partner apps (OAuth2 client credentials).')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openapi));
  return app;
}
