import { Module } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { PipelineModule } from '#pipeline';
import { RedisConnections } from '#platform';
import { BalanceInquiryHandler } from './balance-inquiry.handler.js';
import { DuplicateGuard } from './duplicates/duplicate-guard.js';
import { InMemoryMessageMemory } from './duplicates/in-memory-message-memory.js';
import { MessageMemory } from './duplicates/message-memory.port.js';
import { RedisMessageMemory } from './duplicates/redis-message-memory.js';
import { NetworkManagementHandler } from './network-management.handler.js';
import { PosMessageHandler } from './pos-message.handler.js';
import { MessageMac } from './security/message-mac.js';
import { TerminalDirectory } from './terminal.directory.js';

/** The POS channel's message handling; the TCP listener that feeds it lives in apps/api. */
@Module({
  imports: [PipelineModule],
  providers: [
    {
      provide: MessageMemory,
      inject: [SaldoConfig, RedisConnections],
      useFactory: (config: SaldoConfig, redis: RedisConnections): MessageMemory =>
        redis.general ? new RedisMessageMemory(redis.general, `${config.redis?.prefix ?? 'saldo'}:`) : new InMemoryMessageMemory(),
    },
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
