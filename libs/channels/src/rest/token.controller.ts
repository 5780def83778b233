import { Body, Controller, Headers, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientCredentialsService } from './auth/client-credentials.service.js';
import { send } from './http/rest-reply.js';
import { openApi } from './rest.openapi.js';

@ApiTags('auth')
@Controller('oauth')
export class TokenController {
  constructor(@Inject(ClientCredentialsService) private readonly credentials: ClientCredentialsService) {}

  @Post('token')
  @ApiOperation({ summary: 'OAuth2 client credentials: HTTP Basic or client_id/client_secret in a form or JSON body' })
  @ApiBody({ schema: openApi.tokenRequest })
  async token(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<string> {
    return send(res, await this.credentials.token({ authorization, body, ip: req.ip }));
  }
}
