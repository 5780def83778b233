import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleGuard, Operator, Requires, type SignedIn } from '../auth/console-guard.js';
import { ConsoleExceptionFilter } from '../http/console-exception.filter.js';
import { sendPage } from '../http/console-reply.js';
import { OperatorAudit } from '../operator-audit.js';
import { issuersPage, type IssuersView } from '../pages/issuers.page.js';
import { field, type PostedForm, singles } from './form.js';
import { IssuerAdmin } from './issuer-admin.js';

const DONE: Record<string, (what: string) => string> = {
  issuer: (code) => `Issuer ${code} is added. Give it a BIN range so cards route to it.`,
  range: (what) => `BIN range ${what} is added.`,
  removed: (what) => `BIN range ${what} is removed.`,
};

@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@UseGuards(ConsoleGuard)
@Requires('manage')
@Controller('console/issuers')
export class IssuersController {
  constructor(
    @Inject(IssuerAdmin) private readonly issuers: IssuerAdmin,
    @Inject(OperatorAudit) private readonly audit: OperatorAudit,
  ) {}

  @Get()
  async list(@Operator() { session }: SignedIn, @Query() raw: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const q = singles(raw, ['done', 'what']);
    const done = q.done && Object.hasOwn(DONE, q.done) ? DONE[q.done](q.what ?? '') : undefined;
    sendPage(reply, { html: issuersPage(session, { issuers: await this.issuers.list(), done }) });
  }

  @Post()
  async add(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const input = { code: field(form, 'code'), name: field(form, 'name'), currency: field(form, 'currency'), locale: field(form, 'locale') };
    const result = await this.issuers.add(input);
    if (!result.ok) return this.refused(session, result.status, { error: result.message, issuerForm: input }, reply);
    await this.audit.record({ operator: session.username, action: 'ISSUER_CHANGED', correlationId: req.id, detail: { change: 'issuer-added', ...result.value } });
    this.back(reply, 'issuer', result.value.code);
  }

  @Post(':id/ranges')
  async addRange(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const [low, high] = [field(form, 'low'), field(form, 'high')];
    const result = await this.issuers.addRange(id, low, high);
    if (!result.ok) return this.refused(session, result.status, { error: result.message, rangeForm: { issuerId: id, low, high } }, reply);
    await this.audit.record({ operator: session.username, action: 'ISSUER_CHANGED', correlationId: req.id, detail: { change: 'range-added', issuer: result.value.issuerCode, low, high } });
    this.back(reply, 'range', `${low}-${high} of ${result.value.issuerCode}`);
  }

  @Post('ranges/:id/remove')
  async removeRange(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const result = await this.issuers.removeRange(id);
    if (!result.ok) return this.refused(session, result.status, { error: result.message }, reply);
    const { issuerCode, low, high } = result.value;
    await this.audit.record({ operator: session.username, action: 'ISSUER_CHANGED', correlationId: req.id, detail: { change: 'range-removed', issuer: issuerCode, low, high } });
    this.back(reply, 'removed', `${low}-${high} of ${issuerCode}`);
  }

  private async refused(session: SignedIn['session'], status: number, view: Omit<IssuersView, 'issuers'>, reply: FastifyReply): Promise<void> {
    sendPage(reply, { status, html: issuersPage(session, { ...view, issuers: await this.issuers.list() }) });
  }

  private back(reply: FastifyReply, done: string, what: string): void {
    sendPage(reply, { redirect: `/console/issuers?${new URLSearchParams({ done, what }).toString()}` });
  }
}
