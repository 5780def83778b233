import { createParamDecorator, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { SaldoConfig } from '#config';
import { equalTokens } from '#platform';
import { OperatorAudit } from '../operator-audit.js';
import { ConsoleSessions, type ConsoleSession } from './console-sessions.js';
import { can, type Permission } from './permissions.js';

const REQUIRES = 'saldo:console-permission';
const REFRESH = 'saldo:console-refresh';

/** The permission a console route needs (a route without one needs only a signed-in operator). */
export const Requires = (permission: Permission) => SetMetadata(REQUIRES, permission);

/**
 * A fragment a page fetches by itself (the live dashboard, an export's progress): it does not keep
 * the session alive, so a console left open still signs out after 15 idle minutes.
 */
export const SelfRefreshing = () => SetMetadata(REFRESH, true);

export interface SignedIn {
  readonly id: string;
  readonly session: ConsoleSession;
}

type ConsoleRequest = FastifyRequest & { console?: SignedIn };

/** The signed-in operator of a guarded route. */
export const Operator = createParamDecorator((_: unknown, ctx: ExecutionContext): SignedIn => {
  const signedIn = ctx.switchToHttp().getRequest<ConsoleRequest>().console;
  if (!signedIn) throw new UnauthorizedException('sign in to the console');
  return signedIn;
});

/**
 * Every console route: a live operator session, the role's permission, and for a change the
 * form's CSRF token and our own origin. A refusal is itself audited.
 */
@Injectable()
export class ConsoleGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
    @Inject(OperatorAudit) private readonly audit: OperatorAudit,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<ConsoleRequest>();
    const refreshing = this.reflector.getAllAndOverride<boolean | undefined>(REFRESH, [ctx.getHandler(), ctx.getClass()]) === true;
    const found = await this.sessions.find(req.headers.cookie, !refreshing);
    if (!found) throw new UnauthorizedException('sign in to the console');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (req.headers.origin !== this.config.http.publicOrigin) throw new ForbiddenException('forms are accepted from this site only');
      const csrf = (req.body as Record<string, unknown> | undefined)?.csrf;
      if (!equalTokens(csrf, found.session.csrf)) throw new ForbiddenException('this form has expired: reload the page and try again');
    }
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRES, [ctx.getHandler(), ctx.getClass()]);
    if (permission && !can(found.session.role, permission)) {
      await this.audit.record({ operator: found.session.username, action: 'REFUSED', correlationId: req.id, detail: { permission, path: req.routeOptions.url ?? req.url } });
      throw new ForbiddenException(`the ${found.session.role.toLowerCase()} role may not do this`);
    }
    req.console = found;
    return true;
  }
}
