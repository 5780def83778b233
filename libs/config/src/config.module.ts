import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { SaldoConfig } from './saldo-config.js';

/**
 * Validates the environment once (through @nestjs/config's validate hook) and provides the typed
 * SaldoConfig. This is the only place that reads process.env; tests pass their own variables.
 */
@Global()
@Module({})
export class SaldoConfigModule {
  static forRoot(overrides: Record<string, string | undefined> = {}): DynamicModule {
    let config: SaldoConfig | undefined;
    return {
      module: SaldoConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          validate: (env) => {
            config = new SaldoConfig({ ...(env as Record<string, string | undefined>), ...overrides });
            return env;
          },
        }),
      ],
      providers: [{ provide: SaldoConfig, useFactory: () => config ?? new SaldoConfig({ ...process.env, ...overrides }) }],
      exports: [SaldoConfig],
    };
  }
}

/** For command-line tools (migrations, seed, bench) that run outside Nest. */
export function configFromEnvironment(overrides: Record<string, string | undefined> = {}): SaldoConfig {
  return new SaldoConfig({ ...process.env, ...overrides });
}
