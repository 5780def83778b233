import { Controller, Get, Inject, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ConsoleGuard, Operator, Requires, SelfRefreshing, type SignedIn } from './auth/console-guard.js';
import { can, homeOf } from './auth/permissions.js';
import { DashboardFiguresReader, type DashboardRange } from './dashboard/dashboard-figures.js';
import { ConsoleExceptionFilter } from './http/console-exception.filter.js';
import { sendPage } from './http/console-reply.js';
import { dashboardPage, dashboardPanel } from './pages/dashboard.page.js';

function rangeOf(value: string | undefined): DashboardRange {
  return value === 'day' ? 'day' : 'hour';
}

@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@UseGuards(ConsoleGuard)
@Controller('console')
export class DashboardController {
  constructor(@Inject(DashboardFiguresReader) private readonly figures: DashboardFiguresReader) {}

  /** The console's front page: the dashboard, or for a role without it, that role's first page. */
  @Get()
  async dashboard(@Operator() operator: SignedIn, @Query('range') range: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (!can(operator.session.role, 'dashboard')) return sendPage(reply, { redirect: homeOf(operator.session.role) });
    sendPage(reply, { html: dashboardPage(operator.session, await this.figures.read(rangeOf(range))) });
  }

  @Get('dashboard/panel')
  @Requires('dashboard')
  @SelfRefreshing()
  async panel(@Query('range') range: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, { html: dashboardPanel(await this.figures.readShared(rangeOf(range))) });
  }
}
