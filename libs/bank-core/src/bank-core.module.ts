import { Global, Module } from '@nestjs/common';
import { IssuerCorePort } from './issuer-core.port.js';
import { LedgerDriver } from './ledger/ledger.driver.js';

/** Every issuer is served by the built-in ledger for now; a core-banking driver is one more provider. */
@Global()
@Module({
  providers: [{ provide: IssuerCorePort, useClass: LedgerDriver }],
  exports: [IssuerCorePort],
})
export class BankCoreModule {}
