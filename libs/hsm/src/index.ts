export * from './crypto.port.js';
export { HsmModule, createCryptoPort } from './hsm.module.js';
export { SoftwareHsm, type SoftwareHsmOptions } from './software/software-hsm.driver.js';
export { KeyStore, MemoryKeyStore, type StoredKey, type NewStoredKey, type KeyListing } from './software/key-store.js';
export { PrismaKeyStore } from './software/prisma-key-store.js';
export { KeyAdmin, type KeySpec, type KeyInstalled, type KeyComponent, type KeyFormed } from './software/key-admin.js';
export { runKeyCeremony, KEY_CEREMONY_USAGE, type KeyCeremonyDeps } from './software/key-ceremony.js';
export { encryptPinBlockForSeed, macForTerminal, type PinPadKey } from './software/pin-pad.js';
export {
  KEY_TYPES,
  KEY_ALGORITHMS,
  DEFAULT_USAGE,
  defaultUsage,
  type KeyType,
  type KeyAlgorithm,
  type KeyUsage,
  type KeyStatus,
} from './software/key-types.js';
export { keyCheckValue } from './software/kcv.js';
export { PayShieldHsm, parsePayShieldUrl, type PayShieldHsmOptions } from './payshield/payshield-hsm.driver.js';
export { PayShieldEmulator, type PayShieldEmulatorOptions, type EmulatorStats } from './payshield/emulator.js';
