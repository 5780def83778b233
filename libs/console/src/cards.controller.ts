import { BadRequestException, Body, ConflictException, Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleGuard, Operator, Requires, type SignedIn } from './auth/console-guard.js';
import { CardSupport } from './cards/card-support.js';
import { ConsoleExceptionFilter } from './http/console-exception.filter.js';
import { field, singles, type PostedForm } from './http/form-fields.js';
import { sendPage } from './http/console-reply.js';
import { OperatorAudit } from './operator-audit.js';
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
  async unlockPin(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    await this.unlock(req, operator, id, field(form, 'reason'), 'PIN_UNLOCKED', reply);
  }

  @Post(':id/unlock-phone')
  @Requires('cards.unlock')
  async unlockPhone(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    await this.unlock(req, operator, id, field(form, 'reason'), 'PHONE_UNLOCKED', reply);
  }

  /**
   * Every unlock gives three more PIN guesses: it needs a reason (a ticket, a call), and support may
   * do it at most MAX_UNLOCKS_A_DAY times a day per card; past that an admin decides.
   */
  private async unlock(req: FastifyRequest, operator: SignedIn, id: string, reason: string, action: 'PIN_UNLOCKED' | 'PHONE_UNLOCKED', reply: FastifyReply): Promise<void> {
    if (!reason || reason.length > 200) throw new BadRequestException('Give the reason for the unlock (a ticket number or the call), at most 200 characters.');
    const card = await this.cards.face(id);
    if (!card) throw new NotFoundException('no such card');
    if (operator.session.role !== 'ADMIN' && (await this.cards.unlocksToday(card, action)) >= MAX_UNLOCKS_A_DAY) {
      throw new ConflictException(`This card was unlocked ${MAX_UNLOCKS_A_DAY} times in the last 24 hours: ask an admin to look at it.`);
    }
    const unlocked = action === 'PIN_UNLOCKED' ? await this.cards.unlockPin(id) : await this.cards.unlockPhone(id);
    if (!unlocked) throw new NotFoundException('no such card');
    await this.audit.record({ operator: operator.session.username, action, correlationId: req.id, card: unlocked, detail: { reason } });
    const back = new URLSearchParams({ issuer: unlocked.issuerCode, last4: unlocked.last4, done: action === 'PIN_UNLOCKED' ? 'pin' : 'phone' });
    sendPage(reply, { redirect: `/console/cards?${back.toString()}` });
  }
}

/** Support's unlocks of one card in 24 hours; admins are not limited. */
export const MAX_UNLOCKS_A_DAY = 3;
