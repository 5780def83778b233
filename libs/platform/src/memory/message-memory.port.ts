/**
 * Where answered messages are remembered for duplicate detection: shared by every gateway
 * instance (Redis) or, in embedded mode, in process memory. Values are opaque strings.
 */
export abstract class MessageMemory {
  /** Stores `value` under `key` unless the key exists; answers the existing value, or null when stored. */
  abstract claim(key: string, value: string, ttlMs: number): Promise<string | null>;
  abstract get(key: string): Promise<string | null>;
  abstract set(key: string, value: string, ttlMs: number): Promise<void>;
  abstract delete(key: string): Promise<void>;
  /**
   * Reads and deletes `key` in one step: of two callers racing for it, only one gets the value
   * (single-use tokens). Null when absent or expired.
   */
  abstract take(key: string): Promise<string | null>;
}
