import { Controller, Get, Inject, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ConsoleGuard, Operator, Requires, type SignedIn } from '../auth/console-guard.js';
import { ConsoleExceptionFilter } from '../http/console-exception.filter.js';
import { sendPage } from '../http/console-reply.js';
import { keysPage } from '../pages/keys.page.js';
import { KeyListing } from './key-listing.js';

/** Read only: keys are made and retired at the key ceremony (npm run keys), never from a browser. */
@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@UseGuards(ConsoleGuard)
@Requires('manage')
@Controller('console/keys')
export class KeysController {
  constructor(@Inject(KeyListing) private readonly keys: KeyListing) {}

  @Get()
  async list(@Operator() { session }: SignedIn, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, { html: keysPage(session, await this.keys.list()) });
  }
}
