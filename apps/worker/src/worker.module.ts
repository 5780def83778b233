import { Module, type DynamicModule } from '@nestjs/common';
import { SaldoConfigModule, type SaldoConfig } from '#config';
import { DbModule } from '#db';
import { JobsModule, LoggingModule, RedisModule } from '#platform';
import { RestJobsModule } from '#channels/rest';
import { SmsJobsModule } from '#channels/sms';
import { HsmModule } from '#hsm';
import { BankCoreModule } from '#bank-core';
import { ConsoleJobsModule } from '#console';

/** The worker process: BullMQ consumers for every channel's background jobs, no HTTP. */
@Module({})
export class WorkerModule {
  static register(config: SaldoConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        SaldoConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DbModule,
        RedisModule,
        JobsModule.forRoot(config, { consume: true }),
        HsmModule,
        BankCoreModule,
        RestJobsModule,
        SmsJobsModule,
        ConsoleJobsModule,
      ],
    };
  }
}
