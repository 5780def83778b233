import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleGuard, Operator, Requires, type SignedIn } from './auth/console-guard.js';
import { CardSupport, type Unlocked } from './cards/card-support.js';
import { ConsoleExceptionFilter } from './http/console-exception.filter.js';
import { singles, type PostedForm } from './http/form-fields.js';
import { sendPage } from './http/console-reply.js';
import { OperatorAudit, type OperatorAction } from './operator-audit.js';
import { cardsPage } from './pages/cards.page.js';

@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@UseGuards(ConsoleGuard)
@Controller('console/cards')
export class CardsController {
  constructor(
    @Inject(CardSupport) private readonly cards: CardSupport,
    @Inject(OperatorAudit) private readonly audit: OperatorAudit,
  ) {}

  @Get()
  @Requires('cards')
  async find(
    @Req() req: FastifyRequest,
    @Operator() operator: SignedIn,
    @Query() raw: PostedForm,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const q = singles(raw, ['issuer', 'last4', 'done']);
    const issuers = await this.cards.issuers();
    const { session } = operator;
    if (q.issuer === undefined && q.last4 === undefined) return sendPage(reply, { html: cardsPage(session, { issuers }) });
    const issuer = issuers.find((i) => i.code === q.issuer)?.code;
    const last4 = q.last4?.trim() ?? '';
    if (!issuer || !/^\d{4}$/.test(last4)) {
      return sendPage(reply, { status: 400, html: cardsPage(session, { issuers, issuer, last4, message: 'Pick an issuer and enter the last 4 digits of the card.' }) });
    }
    const [found, recent] = await Promise.all([this.cards.find(issuer, last4), this.cards.recentQueries(issuer, last4)]);
    await this.audit.record({ operator: session.username, action: 'CARD_LOOKED_UP', correlationId: req.id, detail: { issuer, last4, found: found.length } });
    const done = q.done === 'pin' ? 'The card PIN is unlocked.' : q.done === 'phone' ? 'Phone access is unlocked.' : undefined;
    sendPage(reply, { html: cardsPage(session, { issuers, issuer, last4, cards: found, recent, done }) });
  }

  @Post(':id/unlock-pin')
  @Requires('cards.unlock')
  async unlockPin(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.unlocked(req, operator, 'PIN_UNLOCKED', await this.cards.unlockPin(id), 'pin', reply);
  }

  @Post(':id/unlock-phone')
  @Requires('cards.unlock')
  async unlockPhone(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.unlocked(req, operator, 'PHONE_UNLOCKED', await this.cards.unlockPhone(id), 'phone', reply);
  }

  private async unlocked(req: FastifyRequest, operator: SignedIn, action: OperatorAction, card: Unlocked | undefined, done: string, reply: FastifyReply): Promise<void> {
    if (!card) throw new NotFoundException('no such card');
    await this.audit.record({ operator: operator.session.username, action, correlationId: req.id, card });
    const back = new URLSearchParams({ issuer: card.issuerCode, last4: card.last4, done });
    sendPage(reply, { redirect: `/console/cards?${back.toString()}` });
  }
}
