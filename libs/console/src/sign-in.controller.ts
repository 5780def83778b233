import { Body, Controller, ForbiddenException, Get, Inject, Logger, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SaldoConfig } from '#config';
import { ConsoleGuard, Operator, type SignedIn } from './auth/console-guard.js';
import { ConsoleSessions } from './auth/console-sessions.js';
import { OperatorSignIn, LOCKOUT_MINUTES, MAX_FAILED_SIGN_INS } from './auth/operator-sign-in.js';
import { homeOf } from './auth/permissions.js';
import { ConsoleExceptionFilter } from './http/console-exception.filter.js';
import { field, type PostedForm } from './http/form-fields.js';
import { sendPage } from './http/console-reply.js';
import { OperatorAudit } from './operator-audit.js';
import { signInPage } from './pages/sign-in.page.js';


/** Only a console path may follow a sign-in (never another site). */
function safeNext(next: string | undefined): string | undefined {
  return next && /^\/console(\/|\?|$)/.test(next) && !next.startsWith('//') ? next : undefined;
}

@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class SignInController {
  private readonly logger = new Logger('ConsoleSignIn');

  constructor(
    @Inject(OperatorSignIn) private readonly signIn: OperatorSignIn,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
    @Inject(OperatorAudit) private readonly audit: OperatorAudit,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  @Get('sign-in')
  form(@Query('next') next: string | undefined, @Res() reply: FastifyReply): void {
    sendPage(reply, { html: signInPage({ next: safeNext(next) }) });
  }

  @Post('sign-in')
  async submit(@Req() req: FastifyRequest, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    // A sign-in form posted from another site would sign the browser into someone else's account.
    if (req.headers.origin !== this.config.http.publicOrigin) throw new ForbiddenException('forms are accepted from this site only');
    const username = field(form, 'username');
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(field(form, 'next'));
    if (!username || !password) return sendPage(reply, { status: 400, html: signInPage({ next, message: 'Enter your username and password.' }) });
    const result = await this.signIn.attempt(username, password, req.ip);
    if (!result.ok) {
      // Not per refused try (a flood would bury the trail), and never what was typed as an unknown name (often a password).
      if (result.reason === 'rate-limited') this.logger.warn(`console sign-ins from ${req.ip} are over the limit`);
      else await this.audit.record({ operator: result.reason === 'unknown' ? '(unknown)' : username, action: 'SIGN_IN_FAILED', correlationId: req.id, detail: { reason: result.reason, address: req.ip } });
      const message =
        result.reason === 'rate-limited'
          ? 'Too many failed sign-ins from this address. Try again in 15 minutes.'
          : `Wrong username or password. After ${MAX_FAILED_SIGN_INS} wrong passwords an account is locked for ${LOCKOUT_MINUTES} minutes.`;
      return sendPage(reply, { status: result.reason === 'rate-limited' ? 429 : 401, html: signInPage({ next, message }) });
    }
    // A new session id at every sign-in (never one a page was given before), and the old one ends.
    const previous = await this.sessions.find(req.headers.cookie, false);
    if (previous) await this.sessions.end(previous.id);
    const id = await this.sessions.start(result.operator);
    await this.audit.record({ operator: result.operator.username, action: 'SIGNED_IN', correlationId: req.id, detail: { address: req.ip } });
    sendPage(reply, { redirect: next ?? homeOf(result.operator.role), cookie: this.sessions.cookie(id) });
  }

  @Post('sign-out')
  @UseGuards(ConsoleGuard)
  async signOut(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Res() reply: FastifyReply): Promise<void> {
    await this.sessions.end(operator.id);
    await this.audit.record({ operator: operator.session.username, action: 'SIGNED_OUT', correlationId: req.id });
    sendPage(reply, { redirect: '/console/sign-in', cookie: this.sessions.cookie(undefined) });
  }
}
