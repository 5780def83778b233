import { BadRequestException, Body, Controller, HttpCode, Inject, NotFoundException, Param, ParseIntPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TwilioSignatureGuard } from '#channels/telephony';
import { CallSession, type CallRequest } from './ivr/call-session.js';
import type { Stage } from './ivr/call-state.js';

const STAGES: readonly Stage[] = ['language', 'card', 'pin', 'menu'];

/** Twilio's voice webhooks: the call's entry and one route per menu stage (?s= numbers the step). */
@ApiExcludeController()
@Controller('twilio/voice')
@UseGuards(TwilioSignatureGuard)
export class VoiceController {
  constructor(@Inject(CallSession) private readonly session: CallSession) {}

  @Post()
  @HttpCode(200)
  async incoming(@Body() body: CallRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    checkCall(body);
    reply.type(this.session.contentType);
    return this.session.start(body);
  }

  @Post(':stage')
  @HttpCode(200)
  async step(
    @Param('stage') stage: string,
    @Query('s', ParseIntPipe) step: number,
    @Body() body: CallRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (!STAGES.includes(stage as Stage)) throw new NotFoundException(`no voice step ${stage}`);
    checkCall(body);
    const turn = await this.session.step(stage as Stage, step, body);
    if (turn === undefined) throw new NotFoundException('no such call');
    reply.type(this.session.contentType);
    return turn;
  }
}

/** The call's state is keyed by CallSid: a request without one (or a malformed one) has no call. */
function checkCall(body: CallRequest): void {
  if (!/^CA[0-9a-fA-F]{32}$/.test(body.CallSid ?? '')) throw new BadRequestException('CallSid: CA followed by 32 hex digits is required');
}
