import { Body, Controller, Headers, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutcomeCode, Question } from '#pipeline';
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
    return this.answer(res, partner, key, body, req.id, 'balance');
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
    return this.answer(res, partner, key, body, req.id, 'transactions');
  }

  /** The query's answer, or the stored one for a repeated Idempotency-Key (once the client is still allowed). */
  private async answer(res: FastifyReply, partner: PartnerPrincipal, key: string | undefined, body: unknown, id: string, kind: Question['kind']): Promise<string> {
    const ask = () => (kind === 'balance' ? this.queries.balance(partner, body, id) : this.queries.transactions(partner, body, id));
    const admitReplay = (outcome: OutcomeCode) => this.queries.admitReplay(partner, body, id, kind, outcome);
    return send(res, await this.idempotency.run(partner.clientId, key, body, ask, admitReplay));
  }
}
