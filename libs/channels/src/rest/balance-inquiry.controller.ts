import { Body, Controller, Headers, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Partner, type PartnerPrincipal } from './auth/partner-principal.js';
import { PartnerAuthGuard } from './auth/partner-auth.guard.js';
import { send } from './http/rest-reply.js';
import { IdempotencyService } from './idempotency.service.js';
import { RestQueryService } from './rest-query.service.js';
import { openApi } from './rest.openapi.js';

@ApiTags('partner')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(PartnerAuthGuard)
export class BalanceInquiryController {
  constructor(
    @Inject(RestQueryService) private readonly queries: RestQueryService,
    @Inject(IdempotencyService) private readonly idempotency: IdempotencyService,
  ) {}

  @Post('balance-inquiries')
  @ApiOperation({ summary: 'Balance of a card: every account, available / ledger / pending in minor units' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: openApi.balanceInquiryBody })
  @ApiResponse({ status: 200, schema: openApi.balanceInquiryResponse })
  @ApiResponse({ status: 400, description: 'FORMAT_ERROR (problem+json)' })
  @ApiResponse({ status: 404, description: 'UNKNOWN_CARD or NO_SUCH_ISSUER' })
  @ApiResponse({ status: 410, description: 'EXPIRED_CARD or CARD_BLOCKED' })
  @ApiResponse({ status: 429, description: 'RATE_LIMITED, with Retry-After' })
  async inquire(
    @Partner() partner: PartnerPrincipal,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<string> {
    return send(
      res,
      await this.idempotency.run(
        partner.clientId,
        key,
        body,
        () => this.queries.balance(partner, body, req.id),
        (outcome) => this.queries.admitReplay(partner, body, req.id, 'balance', outcome),
      ),
    );
  }

  @Post('transaction-searches')
  @ApiOperation({ summary: 'Transactions of a card in a period, newest first, with keyset paging' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: openApi.transactionSearchBody })
  @ApiResponse({ status: 200, schema: openApi.transactionSearchResponse })
  async search(
    @Partner() partner: PartnerPrincipal,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<string> {
    return send(
      res,
      await this.idempotency.run(
        partner.clientId,
        key,
        body,
        () => this.queries.transactions(partner, body, req.id),
        (outcome) => this.queries.admitReplay(partner, body, req.id, 'transactions', outcome),
      ),
    );
  }
}
