import { isUniqueViolation, type PrismaClient } from '#db';
import { CryptoError } from '../crypto.port.js';
import { KeyStore, type KeyListing, type NewStoredKey, type StoredKey } from './key-store.js';
import { isKeyAlgorithm, isKeyType } from './key-types.js';

/**
 * KeyStore over the `keys` table (Prisma model Key). One indexed read by the unique ref; the driver
 * caches what it loads, so this is not on the per-query path.
 */
export class PrismaKeyStore extends KeyStore {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async find(ref: string): Promise<StoredKey | undefined> {
    const row = await this.prisma.key.findUnique({ where: { ref } });
    if (!row) return undefined;
    if (!isKeyType(row.type) || !isKeyAlgorithm(row.algorithm)) {
      throw new CryptoError('INTERNAL', `key "${ref}" has an unknown type or algorithm in the key table`);
    }
    return {
      ref: row.ref,
      type: row.type,
      usage: row.usage,
      algorithm: row.algorithm,
      encryptedValue: row.encryptedValue,
      kcv: row.kcv,
      status: row.status,
    };
  }

  async list(): Promise<KeyListing[]> {
    const rows = await this.prisma.key.findMany({
      orderBy: { ref: 'asc' },
      select: { ref: true, type: true, usage: true, algorithm: true, kcv: true, status: true, createdAt: true, retiredAt: true },
    });
    return rows.map((row) => {
      if (!isKeyType(row.type) || !isKeyAlgorithm(row.algorithm)) {
        throw new CryptoError('INTERNAL', `key "${row.ref}" has an unknown type or algorithm in the key table`);
      }
      const { retiredAt, ...rest } = row;
      return { ...rest, type: row.type, algorithm: row.algorithm, ...(retiredAt ? { retiredAt } : {}) };
    });
  }

  /** One conditional UPDATE (only an ACTIVE row changes), so two retirements cannot both succeed. */
  async retire(ref: string): Promise<void> {
    const { count } = await this.prisma.key.updateMany({
      where: { ref, status: 'ACTIVE' },
      data: { status: 'RETIRED', retiredAt: new Date() },
    });
    if (count === 1) return;
    const row = await this.prisma.key.findUnique({ where: { ref }, select: { status: true } });
    if (!row) throw new CryptoError('UNKNOWN_KEY', `no key "${ref}"`);
    throw new CryptoError('BAD_INPUT', `key "${ref}" is already retired`);
  }

  async save(key: NewStoredKey): Promise<void> {
    try {
      await this.prisma.key.create({
        data: {
          ref: key.ref,
          type: key.type,
          usage: key.usage,
          algorithm: key.algorithm,
          encryptedValue: key.encryptedValue,
          kcv: key.kcv,
          status: key.status ?? 'ACTIVE',
        },
      });
    } catch (error) {
      // The only unique column is ref; isUniqueViolation reads it the same way under both adapters.
      if (isUniqueViolation(error)) throw new CryptoError('BAD_INPUT', `key "${key.ref}" already exists`);
      throw error;
    }
  }
}
