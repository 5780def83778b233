import { Body, Controller, ForbiddenException, Get, Inject, NotFoundException, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SaldoConfig } from '#config';
import { CardholderPage, type HistoryQuery, type PageAnswer } from './cardholder-page.service.js';
import { DemoOutbox } from './demo-outbox.js';
import { outboxPage } from './pages/outbox.page.js';

type Form = Record<string, unknown>;

/** A field's one value: a repeated field (a crafted query or form) counts once, anything else not at all. */
function one(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** The cardholder page's routes; what they show is CardholderPage's. */
@ApiExcludeController()
@Controller()
export class CardholderPageController {
  constructor(
    @Inject(CardholderPage) private readonly page: CardholderPage,
    @Inject(DemoOutbox) private readonly outboxOf: DemoOutbox,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  @Get()
  async home(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.page.home(req.headers.cookie, req.id));
  }

  @Get('history')
  async history(@Req() req: FastifyRequest, @Query() raw: Form, @Res() reply: FastifyReply): Promise<void> {
    const query: HistoryQuery = { card: one(raw.card), from: one(raw.from), to: one(raw.to), type: one(raw.type), after: one(raw.after) };
    send(reply, await this.page.history(req.headers.cookie, query, req.id));
  }

  @Get('settings')
  async settings(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.page.settings(req.headers.cookie));
  }

  /** The demo's texts (no SMS provider, not production): 404 anywhere else. */
  @Get('outbox')
  async outbox(@Query('to') to: unknown, @Res() reply: FastifyReply): Promise<void> {
    const phone = one(to)?.trim() ?? '';
    const messages = await this.outboxOf.latestTo(phone);
    if (!messages) throw new NotFoundException('no outbox here: texts go out through an SMS provider, or this is production');
    send(reply, { status: 200, html: outboxPage(phone, messages) });
  }

  @Get('help')
  async help(@Req() req: FastifyRequest, @Query('lang') lang: unknown, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.page.help(req.headers.cookie, one(lang)));
  }

  @Post('sign-in/code')
  async requestCode(@Req() req: FastifyRequest, @Body() form: Form, @Res() reply: FastifyReply): Promise<void> {
    this.sameOrigin(req);
    send(reply, await this.page.requestCode(one(form.phone)?.trim(), req.ip, req.id));
  }

  @Post('sign-in')
  async signIn(@Req() req: FastifyRequest, @Body() form: Form, @Res() reply: FastifyReply): Promise<void> {
    this.sameOrigin(req);
    send(reply, await this.page.signIn(one(form.phone)?.trim(), one(form.code)?.trim()));
  }

  @Post('sign-out')
  async signOut(@Req() req: FastifyRequest, @Body() form: Form, @Res() reply: FastifyReply): Promise<void> {
    this.sameOrigin(req);
    send(reply, await this.page.signOut(req.headers.cookie, one(form.csrf)));
  }

  @Post('settings/language')
  async language(@Req() req: FastifyRequest, @Body() form: Form, @Res() reply: FastifyReply): Promise<void> {
    this.sameOrigin(req);
    send(reply, await this.page.setLanguage(req.headers.cookie, one(form.csrf), one(form.language)));
  }

  @Post('settings/amounts')
  async amounts(@Req() req: FastifyRequest, @Body() form: Form, @Res() reply: FastifyReply): Promise<void> {
    this.sameOrigin(req);
    send(reply, await this.page.saveAmountSettings(req.headers.cookie, one(form.csrf), one(form.currency), one(form.grouping)));
  }

  @Get('check-at-terminal')
  async terminalCode(@Req() req: FastifyRequest, @Query('card') card: unknown, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.page.terminalCode(req.headers.cookie, one(card)));
  }

  @Post('check-at-terminal')
  async checkAtTerminal(@Req() req: FastifyRequest, @Body() form: Form, @Res() reply: FastifyReply): Promise<void> {
    this.sameOrigin(req);
    send(reply, await this.page.checkAtTerminal(req.headers.cookie, one(form.csrf), one(form.card)));
  }

  /** Forms are only taken from our own pages: a browser names the page a form came from. */
  private sameOrigin(req: FastifyRequest): void {
    const origin = req.headers.origin;
    if (origin !== this.config.http.publicOrigin) throw new ForbiddenException('forms are accepted from this site only');
  }
}

function send(reply: FastifyReply, answer: PageAnswer): void {
  reply.status(answer.status).header('cache-control', 'no-store');
  if (answer.cookie) reply.header('set-cookie', answer.cookie);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  if (answer.redirect) {
    void reply.redirect(answer.redirect, answer.status);
    return;
  }
  void reply.type('text/html; charset=utf-8').send(answer.html ?? '');
}
