import { Body, Controller, ForbiddenException, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleGuard, Operator, Requires, SelfRefreshing, type SignedIn } from './auth/console-guard.js';
import { AuditExports, MAX_EXPORT_ROWS, type ExportStatus } from './audit/audit-exports.js';
import { AUDIT_FIELDS, filterQuery, parseAuditFilter } from './audit/audit-filter.js';
import { field, singles, type PostedForm } from './http/form-fields.js';
import { AuditSearch } from './audit/audit-search.js';
import { CardSupport } from './cards/card-support.js';
import { ConsoleExceptionFilter } from './http/console-exception.filter.js';
import { sendPage } from './http/console-reply.js';
import { OperatorAudit } from './operator-audit.js';
import { auditPage, exportPage, exportProgress } from './pages/audit.page.js';

const PAGE_SIZE = 50;

@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@UseGuards(ConsoleGuard)
@Requires('audit')
@Controller('console')
export class AuditController {
  constructor(
    @Inject(AuditSearch) private readonly search: AuditSearch,
    @Inject(AuditExports) private readonly exports: AuditExports,
    @Inject(CardSupport) private readonly cards: CardSupport,
    @Inject(OperatorAudit) private readonly audit: OperatorAudit,
  ) {}

  @Get('audit')
  async find(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Query() raw: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const q = singles(raw, AUDIT_FIELDS);
    const { filter, problems } = parseAuditFilter(q);
    const cursor = field(raw, 'before');
    const before = /^\d{1,19}$/.test(cursor) ? BigInt(cursor) : undefined;
    const issuers = await this.cards.issuers();
    if (problems.length) return sendPage(reply, { status: 400, html: auditPage(operator.session, { query: q, issuers, rows: [], problems }) });
    const query = filterQuery(filter);
    const { rows, next } = await this.search.page(filter, PAGE_SIZE, before);
    await this.audit.record({ operator: operator.session.username, action: 'AUDIT_SEARCHED', correlationId: req.id, detail: { ...query, shown: rows.length } });
    sendPage(reply, { html: auditPage(operator.session, { query, issuers, rows, next, problems }) });
  }

  @Post('audit/export')
  async export(@Req() req: FastifyRequest, @Operator() operator: SignedIn, @Body() raw: PostedForm, @Res() reply: FastifyReply): Promise<void> {
    const form = singles(raw, AUDIT_FIELDS);
    const { filter, problems } = parseAuditFilter(form);
    const issuers = await this.cards.issuers();
    if (problems.length) return sendPage(reply, { status: 400, html: auditPage(operator.session, { query: form, issuers, rows: [], problems }) });
    const requested = await this.exports.request(filter, operator.session.username);
    if ('running' in requested) return sendPage(reply, { redirect: `/console/exports/${requested.running}` });
    if ('tooMany' in requested) {
      const message = `${requested.tooMany} rows match; an export holds at most ${MAX_EXPORT_ROWS}. Narrow the period or the filter.`;
      return sendPage(reply, { status: 400, html: auditPage(operator.session, { query: filterQuery(filter), issuers, rows: [], problems: [message] }) });
    }
    await this.audit.record({ operator: operator.session.username, action: 'AUDIT_EXPORTED', correlationId: req.id, detail: { ...filterQuery(filter), rows: requested.total, export: requested.id } });
    sendPage(reply, { redirect: `/console/exports/${requested.id}` });
  }

  @Get('exports/:id')
  async exportStatus(@Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, { html: exportPage(operator.session, id, await this.own(operator, id)) });
  }

  @Get('exports/:id/progress')
  @SelfRefreshing()
  async progress(@Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, { html: exportProgress(id, await this.own(operator, id)) });
  }

  @Get('exports/:id/audit.csv')
  async download(@Operator() operator: SignedIn, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.own(operator, id);
    const csv = await this.exports.file(id);
    if (csv === undefined) throw new NotFoundException('this export is not ready, or has expired (exports are kept for an hour)');
    void reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="saldo-audit-${id.slice(0, 8)}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  }

  /** An export is its requester's (and any admin's): the rows in it were chosen by them. */
  private async own(operator: SignedIn, id: string): Promise<ExportStatus> {
    const status = await this.exports.status(id);
    if (!status) throw new NotFoundException('no such export (exports are kept for an hour)');
    if (status.operator !== operator.session.username && operator.session.role !== 'ADMIN') throw new ForbiddenException('this export belongs to another operator');
    return status;
  }
}
