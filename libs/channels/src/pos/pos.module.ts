import { Module } from '@nestjs/common';
import { PipelineModule } from '#pipeline';
import { BalanceInquiryHandler } from './balance-inquiry.handler.js';
import { DuplicateGuard } from './duplicates/duplicate-guard.js';
import { NetworkManagementHandler } from './network-management.handler.js';
import { PosMessageHandler } from './pos-message.handler.js';
import { MessageMac } from './security/message-mac.js';
import { TerminalDirectory } from './terminal.directory.js';

/** The POS channel's message handling; the TCP listener that feeds it lives in apps/api. */
@Module({
  imports: [PipelineModule],
  providers: [
    TerminalDirectory,
    MessageMac,
    DuplicateGuard,
    BalanceInquiryHandler,
    NetworkManagementHandler,
    PosMessageHandler,
  ],
  exports: [PosMessageHandler],
})
export class PosChannelModule {}
