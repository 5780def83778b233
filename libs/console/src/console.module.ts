import { Module } from '@nestjs/common';
import { AssetsController } from './assets.controller.js';
import { AuditController } from './audit.controller.js';
import { ConsoleGuard } from './auth/console-guard.js';
import { ConsoleSessions } from './auth/console-sessions.js';
import { OperatorSignIn } from './auth/operator-sign-in.js';
import { CardSupport } from './cards/card-support.js';
import { CardsController } from './cards.controller.js';
import { ConsoleJobsModule } from './console-jobs.module.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardFiguresReader } from './dashboard/dashboard-figures.js';
import { OperatorAudit } from './operator-audit.js';
import { SignInController } from './sign-in.controller.js';

/** The operator console at /console: role-based pages over the same database, audit trail and queues. */
@Module({
  imports: [ConsoleJobsModule],
  controllers: [SignInController, DashboardController, CardsController, AuditController, AssetsController],
  providers: [ConsoleSessions, OperatorSignIn, ConsoleGuard, OperatorAudit, CardSupport, DashboardFiguresReader],
})
export class ConsoleModule {}
