import { Body, Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleGuard, Operator, Requires, type SignedIn } from '../auth/console-guard.js';
import { ConsoleExceptionFilter } from '../http/console-exception.filter.js';
import { sendPage } from '../http/console-reply.js';
import { OperatorAudit } from '../operator-audit.js';
import { terminalKeysPage, terminalsPage } from '../pages/terminals.page.js';
import { checked, field, type PostedForm, singles } from './form.js';
import { TerminalAdmin, type TerminalKeysInput, type TerminalRow } from './terminal-admin.js';

const DONE: Record<string, (tid: string) => string> = {
  added: (tid) => `Terminal ${tid} is added.`,
  keys: (tid) => `The key settings of terminal ${tid} are saved.`,
  disabled: (tid) => `Terminal ${tid} is disabled.`,
  enabled: (tid) => `Terminal ${tid} is enabled.`,
};

function keysInput(form: PostedForm): TerminalKeysInput {
  return {
    pinMode: field(form, 'pinMode'),
    pinBlockFormat: field(form, 'pinBlockFormat'),
    pinKeyRef: field(form, 'pinKeyRef'),
    dukptInitialId: field(form, 'dukptInitialId'),
    macRequired: checked(form, 'macRequired'),
    macKeyRef: field(form, 'macKeyRef'),
  };
}

/** What the audit trail keeps of a terminal: ids and key references (names, never key material). */
function audited(t: TerminalRow, change: string): Record<string, string | boolean> {
  return { change, tid: t.tid, mid: t.mid, status: t.status, pinMode: t.pinMode, pinBlockFormat: t.pinBlockFormat ?? '', pinKeyRef: t.pinKeyRef ?? '', dukptInitialId: t.dukptInitialId ?? '', macRequired: t.macRequired, macKeyRef: t.macKeyRef ?? '' };
}

@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@UseGuards(ConsoleGuard)
@Requires('manage')
@Controller('console/terminals')
export class TerminalsController {
  constructor(
    @Inject(TerminalAdmin) private readonly terminals: TerminalAdmin,
    @Inject(OperatorAudit) private readonly audit: OperatorAudit,
  ) {}

  @Get()
  async list(@Operator() { session }: SignedIn, @Query() raw: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const q = singles(raw, ['done', 'tid']);
    const done = q.done && Object.hasOwn(DONE, q.done) ? DONE[q.done](q.tid ?? '') : undefined;
    const [terminals, keys] = await Promise.all([this.terminals.list(), this.terminals.keyChoices()]);
    sendPage(reply, { html: terminalsPage(session, { terminals, keys, done }) });
  }

  @Post()
  async add(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const input = { tid: field(form, 'tid'), mid: field(form, 'mid'), ...keysInput(form) };
    const result = await this.terminals.add(input);
    if (!result.ok) {
      const [terminals, keys] = await Promise.all([this.terminals.list(), this.terminals.keyChoices()]);
      return sendPage(reply, { status: result.status, html: terminalsPage(session, { terminals, keys, error: result.message, form: input }) });
    }
    await this.audit.record({ operator: session.username, action: 'TERMINAL_CHANGED', correlationId: req.id, detail: audited(result.value, 'added') });
    this.back(reply, 'added', result.value.tid);
  }

  @Get(':id')
  async keysForm(@Operator() { session }: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const terminal = await this.terminals.find(id);
    if (!terminal) throw new NotFoundException('no such terminal');
    sendPage(reply, { html: terminalKeysPage(session, terminal, await this.terminals.keyChoices()) });
  }

  @Post(':id/keys')
  async setKeys(@Req() req: FastifyRequest, @Operator() { session }: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Body() form: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const input = keysInput(form);
    const result = await this.terminals.setKeys(id, input);
    if (!result.ok) {
      const terminal = await this.terminals.find(id);
      if (!terminal) throw new NotFoundException('no such terminal');
      return sendPage(reply, { status: result.status, html: terminalKeysPage(session, terminal, await this.terminals.keyChoices(), { error: result.message, form: input }) });
    }
    await this.audit.record({ operator: session.username, action: 'TERMINAL_CHANGED', correlationId: req.id, detail: audited(result.value, 'keys') });
    this.back(reply, 'keys', result.value.tid);
  }

  @Post(':id/disable')
  async disable(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.status(req, operator, id, 'DISABLED', reply);
  }

  @Post(':id/enable')
  async enable(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.status(req, operator, id, 'ACTIVE', reply);
  }

  private async status(req: FastifyRequest, { session }: SignedIn, id: string, status: 'ACTIVE' | 'DISABLED', reply: FastifyReply): Promise<void> {
    const result = await this.terminals.setStatus(id, status);
    if (!result.ok) {
      const [terminals, keys] = await Promise.all([this.terminals.list(), this.terminals.keyChoices()]);
      return sendPage(reply, { status: result.status, html: terminalsPage(session, { terminals, keys, error: result.message }) });
    }
    const change = status === 'ACTIVE' ? 'enabled' : 'disabled';
    await this.audit.record({ operator: session.username, action: 'TERMINAL_CHANGED', correlationId: req.id, detail: audited(result.value, change) });
    this.back(reply, change, result.value.tid);
  }

  private back(reply: FastifyReply, done: string, tid: string): void {
    sendPage(reply, { redirect: `/console/terminals?${new URLSearchParams({ done, tid }).toString()}` });
  }
}
