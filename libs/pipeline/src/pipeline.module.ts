import { Module } from '@nestjs/common';
import { AuditSink } from './ports/audit-sink.port.js';
import { RequesterDirectory } from './ports/requester-directory.port.js';
import { IssuerDirectory } from './ports/issuer-directory.port.js';
import { GroupCommitAuditWriter } from './adapters/group-commit-audit.writer.js';
import { PrismaRequesterDirectory } from './adapters/prisma-requester.directory.js';
import { PrismaIssuerDirectory } from './adapters/prisma-issuer.directory.js';
import { ValidateStep } from './steps/validate.step.js';
import { IdentifyRequesterStep } from './steps/identify-requester.step.js';
import { RateLimitStep } from './steps/rate-limit.step.js';
import { RouteIssuerStep } from './steps/route-issuer.step.js';
import { ResolveCardStep } from './steps/resolve-card.step.js';
import { CardChecksStep } from './steps/card-checks.step.js';
import { VerifyCredentialStep } from './steps/verify-credential.step.js';
import { ReadBalancesStep } from './steps/read-balances.step.js';
import { ReadTransactionsStep } from './steps/read-transactions.step.js';
import { AuditStep } from './steps/audit.step.js';
import { BalancePipeline } from './pipeline.js';
import { CardTokens } from './card-tokens/card-tokens.js';

/** Needs (globally): PrismaClient, SaldoConfig, CryptoPort, IssuerCorePort, RateLimitService, MessageMemory. */
@Module({
  providers: [
    { provide: AuditSink, useClass: GroupCommitAuditWriter },
    { provide: RequesterDirectory, useClass: PrismaRequesterDirectory },
    { provide: IssuerDirectory, useClass: PrismaIssuerDirectory },
    ValidateStep,
    IdentifyRequesterStep,
    RateLimitStep,
    RouteIssuerStep,
    ResolveCardStep,
    CardChecksStep,
    VerifyCredentialStep,
    ReadBalancesStep,
    ReadTransactionsStep,
    AuditStep,
    BalancePipeline,
    CardTokens,
  ],
  exports: [BalancePipeline, AuditSink, CardTokens],
})
export class PipelineModule {}
