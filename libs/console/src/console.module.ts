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
import { IssuerAdmin } from './manage/issuer-admin.js';
import { IssuersController } from './manage/issuers.controller.js';
import { KeyListing } from './manage/key-listing.js';
import { KeysController } from './manage/keys.controller.js';
import { PartnerAdmin } from './manage/partner-admin.js';
import { PartnersController } from './manage/partners.controller.js';
import { TerminalAdmin } from './manage/terminal-admin.js';
import { TerminalsController } from './manage/terminals.controller.js';
import { OperatorAudit } from './operator-audit.js';
import { QueuesBoard } from './queues/queues-board.js';
import { SignInController } from './sign-in.controller.js';

/** The operator console at /console: role-based pages over the same database, audit trail and queues. */
@Module({
  imports: [ConsoleJobsModule],
  controllers: [SignInController, DashboardController, CardsController, AuditController, AssetsController, TerminalsController, PartnersController, IssuersController, KeysController],
  providers: [ConsoleSessions, OperatorSignIn, ConsoleGuard, OperatorAudit, CardSupport, DashboardFiguresReader, TerminalAdmin, PartnerAdmin, IssuerAdmin, KeyListing, QueuesBoard],
})
export class ConsoleModule {}
