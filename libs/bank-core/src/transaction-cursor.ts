import type { TransactionPosition } from './issuer-core.port.js';

/** Opaque keyset cursor: base64url of the last row's (postedAt, id). */
export function encodeCursor(position: TransactionPosition): string {
  return Buffer.from(JSON.stringify([position.postedAt.toISOString(), position.id])).toString('base64url');
}

/** The position, or null for anything we did not issue. */
export function decodeCursor(cursor: string): TransactionPosition | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [at, id] = value as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return null;
    const postedAt = new Date(at);
    return Number.isNaN(postedAt.getTime()) ? null : { postedAt, id };
  } catch {
    return null;
  }
}
