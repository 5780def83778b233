import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { SaldoConfigModule, type SaldoConfig } from '#config';
import { DbModule } from '#db';
import { HsmModule } from '#hsm';
import { BankCoreModule } from '#bank-core';
import { JobsModule, LoggingModule, RedisModule } from '#platform';
import { ProblemFilter, RestChannelModule } from '#channels/rest';
import { SmsChannelModule } from '#channels/sms';
import { VoiceChannelModule } from '#channels/voice';
import { WebChannelModule } from '#channels/web';
import { ConsoleModule } from '#console';
import { HealthController } from './health/health.controller.js';
import { PosServerModule } from './pos/pos-server.module.js';

/** The API process: HTTP channels, the POS listener (and, in embedded mode, the background jobs). */
@Module({})
export class AppModule {
  static register(config: SaldoConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SaldoConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DbModule,
        RedisModule,
        JobsModule.forRoot(config, { consume: config.workerInProcess }),
        HsmModule,
        BankCoreModule,
        RestChannelModule,
        SmsChannelModule,
        VoiceChannelModule,
        WebChannelModule,
        ConsoleModule,
        PosServerModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
