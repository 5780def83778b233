import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { problem, ProblemException } from '../http/problem.js';
import { AccessTokenService } from './access-token.service.js';
import type { PartnerRequest } from './partner-principal.js';

/** Requires a valid bearer token; whether the client may still ask is decided in the pipeline. */
@Injectable()
export class PartnerAuthGuard implements CanActivate {
  constructor(@Inject(AccessTokenService) private readonly tokens: AccessTokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PartnerRequest>();
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
    const principal = match?.[1] ? await this.tokens.verify(match[1]) : undefined;
    if (!principal) {
      throw new ProblemException(
        problem(401, 'UNAUTHENTICATED', 'Not authenticated', { detail: 'a valid bearer token is required' }),
        { 'www-authenticate': match ? 'Bearer error="invalid_token"' : 'Bearer' },
      );
    }
    request.partner = principal;
    return true;
  }
}
