import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CONSOLE_SCRIPT } from './http/console-script.js';

@ApiExcludeController()
@Controller('console/assets')
export class AssetsController {
  @Get('console.js')
  script(@Res() reply: FastifyReply): void {
    void reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(CONSOLE_SCRIPT);
  }
}
