import { Module } from '@nestjs/common';
import { AuditExports } from './audit/audit-exports.js';
import { AuditSearch } from './audit/audit-search.js';

/** The console's background jobs (audit exports): run by the worker, or the API in embedded mode. */
@Module({
  providers: [AuditSearch, AuditExports],
  exports: [AuditSearch, AuditExports],
})
export class ConsoleJobsModule {}
