export * from './issuer-core.port.js';
export * from './ledger/ledger.driver.js';
export * from './bank-core.module.js';
export { encodeCursor, decodeCursor } from './transaction-cursor.js';
