import { Body, Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleGuard, Operator, Requires, type SignedIn } from '../auth/console-guard.js';
import { ConsoleExceptionFilter } from '../http/console-exception.filter.js';
import { sendPage } from '../http/console-reply.js';
import { OperatorAudit } from '../operator-audit.js';
import { partnerAccessPage, partnerSecretPage, partnersPage } from '../pages/partners.page.js';
import { checked, field, fields, type PostedForm, singles } from './form.js';
import { PartnerAdmin, type PartnerAccessInput, type PartnerRow } from './partner-admin.js';

const DONE: Record<string, (clientId: string) => string> = {
  revoked: (id) => `Partner client ${id} is revoked.`,
  access: (id) => `The access of partner client ${id} is saved.`,
};

function accessInput(form: PostedForm): PartnerAccessInput {
  return { scopes: fields(form, 'scopes'), allIssuers: checked(form, 'allIssuers'), issuers: fields(form, 'issuers') };
}

/** What the audit trail keeps of a client: never its secret, nor the secret's hash. */
function audited(p: PartnerRow, change: string): Record<string, string> {
  return { change, clientId: p.clientId, name: p.name, scopes: p.scopes.join(' '), issuers: p.allIssuers ? 'all' : p.issuers.join(' '), status: p.status };
}

@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@UseGuards(ConsoleGuard)
@Requires('manage')
@Controller('console/partners')
export class PartnersController {
  constructor(
    @Inject(PartnerAdmin) private readonly partners: PartnerAdmin,
    @Inject(OperatorAudit) private readonly audit: OperatorAudit,
  ) {}

  @Get()
  async list(@Operator() { session }: SignedIn, @Query() raw: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const q = singles(raw, ['done', 'client']);
    const done = q.done && Object.hasOwn(DONE, q.done) ? DONE[q.done](q.client ?? '') : undefined;
    const [partners, issuers] = await Promise.all([this.partners.list(), this.partners.issuers()]);
    sendPage(reply, { html: partnersPage(session, { partners, issuers, done }) });
  }

  @Post()
  async create(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const input = { clientId: field(form, 'clientId'), name: field(form, 'name'), ...accessInput(form) };
    const result = await this.partners.create(input);
    if (!result.ok) {
      const [partners, issuers] = await Promise.all([this.partners.list(), this.partners.issuers()]);
      return sendPage(reply, { status: result.status, html: partnersPage(session, { partners, issuers, error: result.message, form: input }) });
    }
    const { partner, secret } = result.value;
    await this.audit.record({ operator: session.username, action: 'PARTNER_CHANGED', correlationId: req.id, detail: audited(partner, 'created') });
    // Answered, not redirected: the secret must not travel in a URL or be stored to be shown later.
    sendPage(reply, { status: 201, html: partnerSecretPage(session, partner, secret, false) });
  }

  @Get(':id')
  async accessForm(@Operator() { session }: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const [partners, issuers] = await Promise.all([this.partners.list(), this.partners.issuers()]);
    const partner = partners.find((p) => p.id === id);
    if (!partner) throw new NotFoundException('no such partner client');
    sendPage(reply, { html: partnerAccessPage(session, partner, issuers) });
  }

  @Post(':id/access')
  async setAccess(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const input = accessInput(form);
    const result = await this.partners.setAccess(id, input);
    if (!result.ok) {
      const [partners, issuers] = await Promise.all([this.partners.list(), this.partners.issuers()]);
      const partner = partners.find((p) => p.id === id);
      if (!partner) throw new NotFoundException('no such partner client');
      return sendPage(reply, { status: result.status, html: partnerAccessPage(session, partner, issuers, { error: result.message, form: input }) });
    }
    await this.audit.record({ operator: session.username, action: 'PARTNER_CHANGED', correlationId: req.id, detail: audited(result.value, 'access') });
    sendPage(reply, { redirect: `/console/partners?${new URLSearchParams({ done: 'access', client: result.value.clientId }).toString()}` });
  }

  @Post(':id/rotate')
  async rotate(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const result = await this.partners.rotate(id);
    if (!result.ok) return this.refusedOnList(session, result.status, result.message, reply);
    const { partner, secret } = result.value;
    await this.audit.record({ operator: session.username, action: 'PARTNER_CHANGED', correlationId: req.id, detail: audited(partner, 'rotated') });
    sendPage(reply, { html: partnerSecretPage(session, partner, secret, true) });
  }

  @Post(':id/revoke')
  async revoke(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const result = await this.partners.revoke(id);
    if (!result.ok) return this.refusedOnList(session, result.status, result.message, reply);
    await this.audit.record({ operator: session.username, action: 'PARTNER_CHANGED', correlationId: req.id, detail: audited(result.value, 'revoked') });
    sendPage(reply, { redirect: `/console/partners?${new URLSearchParams({ done: 'revoked', client: result.value.clientId }).toString()}` });
  }

  private async refusedOnList(session: SignedIn['session'], status: number, error: string, reply: FastifyReply): Promise<void> {
    const [partners, issuers] = await Promise.all([this.partners.list(), this.partners.issuers()]);
    sendPage(reply, { status, html: partnersPage(session, { partners, issuers, error }) });
  }
}
