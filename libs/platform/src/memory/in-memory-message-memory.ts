import { MessageMemory } from './message-memory.port.js';

/** Embedded mode's twin: one process, so a Map; bounded, the oldest entries go first. */
export class InMemoryMessageMemory extends MessageMemory {
  private readonly entries = new Map<string, { value: string; until: number }>();

  constructor(private readonly maxEntries = 100_000) {
    super();
  }

  async claim(key: string, value: string, ttlMs: number): Promise<string | null> {
    const existing = this.live(key);
    if (existing !== null) return existing;
    await this.set(key, value, ttlMs);
    return null;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, until: Date.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** One process and no await between the read and the delete: atomic as it stands. */
  async take(key: string): Promise<string | null> {
    const value = this.live(key);
    this.entries.delete(key);
    return value;
  }

  private live(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.until > Date.now()) return entry.value;
    this.entries.delete(key);
    return null;
  }
}
