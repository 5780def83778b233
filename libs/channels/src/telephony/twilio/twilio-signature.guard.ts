import { ForbiddenException, Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { SaldoConfig } from '#config';

/**
 * Refuses (403) a webhook unless X-Twilio-Signature is Twilio's HMAC of the URL it called and
 * every posted parameter. The URL is the configured public one (PUBLIC_BASE_URL) plus the raw path
 * and query as received: behind a proxy the app never sees the URL Twilio signed.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  private readonly logger = new Logger('TwilioSignature');

  constructor(@Inject(SaldoConfig) private readonly config: SaldoConfig) {
    if (!config.twilio.authToken) {
      this.logger.warn('no TWILIO_AUTH_TOKEN: every Twilio webhook is refused');
    }
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = this.config.twilio.authToken;
    const signature = request.headers['x-twilio-signature'];
    const url = `${this.config.http.publicBaseUrl}${request.url}`;
    const params = isForm(request.body) ? request.body : {};
    if (token && typeof signature === 'string' && twilio.validateRequest(token, signature, url, params)) return true;
    this.logger.warn(`refused an unsigned or wrongly signed webhook on ${request.url.split('?')[0]}`);
    throw new ForbiddenException('X-Twilio-Signature does not match this request');
  }
}

function isForm(body: unknown): body is Record<string, string | string[]> {
  return typeof body === 'object' && body !== null && !Buffer.isBuffer(body);
}
