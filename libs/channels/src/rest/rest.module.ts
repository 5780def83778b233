import { Module } from '@nestjs/common';
import { PipelineModule } from '#pipeline';
import { AccessTokenService } from './auth/access-token.service.js';
import { ClientCredentialsService } from './auth/client-credentials.service.js';
import { PartnerAuthGuard } from './auth/partner-auth.guard.js';
import { BalanceInquiryController } from './balance-inquiry.controller.js';
import { IdempotencyService } from './idempotency.service.js';
import { RestQueryService } from './rest-query.service.js';
import { TokenController } from './token.controller.js';
import { RestJobsModule } from './idempotency-purge.job.js';

/** The partner REST channel: OAuth2 client credentials, balance inquiries, transaction searches. */
@Module({
  imports: [PipelineModule, RestJobsModule],
  controllers: [TokenController, BalanceInquiryController],
  providers: [AccessTokenService, ClientCredentialsService, PartnerAuthGuard, IdempotencyService, RestQueryService],
})
export class RestChannelModule {}
