import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { SaldoConfig } from '#config';

const CORRELATION_HEADER = 'x-correlation-id';

/**
 * Redaction is the safety net behind the masked Pan type: anything that looks like card data or a
 * credential is censored even if a caller logs a raw object by mistake.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
  '*.pan',
  '*.pin',
  '*.pinBlock',
  '*.track2',
  '*.secret',
  '*.client_secret',
  '*.password',
  '*.key',
  '*.clearKey',
];

export function correlationIdOf(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{8,64}$/.test(given)) return given;
  return randomUUID();
}

@Module({})
export class LoggingModule {
  static forRoot(config: SaldoConfig): DynamicModule {
    const destination = config.logging.file
      ? pino.destination({ dest: config.logging.file, sync: false, mkdir: true })
      : pino.destination({ fd: 1, sync: false });
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [
            {
              level: config.logging.level,
              redact: { paths: REDACT_PATHS, censor: '[redacted]' },
              // Fastify's genReqId (see apps/api bootstrap) already put the correlation id on req.id.
              genReqId: (req) => (typeof req.id === 'string' ? req.id : correlationIdOf(req)),
              customProps: () => ({ service: 'saldo' }),
              serializers: {
                req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              },
              autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
            },
            destination,
          ],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
