import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { SaldoConfig } from './saldo-config.js';

/**
 * Provides the one typed SaldoConfig (also under ConfigService key `saldo`). The config is built
 * before Nest starts, because it decides which drivers the application modules are assembled from.
 */
@Global()
@Module({})
export class SaldoConfigModule {
  static forRoot(config: SaldoConfig): DynamicModule {
    return {
      module: SaldoConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ saldo: config })] })],
      providers: [{ provide: SaldoConfig, useValue: config }],
      exports: [SaldoConfig],
    };
  }
}

/** The only reader of process.env: validates it once into a SaldoConfig (throws ConfigError). */
export function configFromEnvironment(overrides: Record<string, string | undefined> = {}): SaldoConfig {
  return new SaldoConfig({ ...process.env, ...overrides });
}
