import { Global, Module } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { InMemoryMessageMemory } from '../memory/in-memory-message-memory.js';
import { MessageMemory } from '../memory/message-memory.port.js';
import { RedisMessageMemory } from '../memory/redis-message-memory.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { RedisConnections } from './redis-connections.js';

/**
 * Redis connections (when configured) and what is built on them: the rate limiter and the
 * short-lived shared memory (duplicate requests, call state), in process memory without Redis.
 */
@Global()
@Module({
  providers: [
    RedisConnections,
    RateLimitService,
    {
      provide: MessageMemory,
      inject: [SaldoConfig, RedisConnections],
      useFactory: (config: SaldoConfig, redis: RedisConnections): MessageMemory =>
        redis.general ? new RedisMessageMemory(redis.general, `${config.redis?.prefix ?? 'saldo'}:`) : new InMemoryMessageMemory(),
    },
  ],
  exports: [RedisConnections, RateLimitService, MessageMemory],
})
export class RedisModule {}
