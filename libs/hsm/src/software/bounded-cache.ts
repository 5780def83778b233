/**
 * A least-recently-used map with a fixed capacity, for derived keys (DUKPT initial keys per
 * terminal). Bounded because the keys come from request data: a stream of made-up KSNs must not
 * grow memory without limit. `onEvict` lets the owner zero an evicted key.
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(
    readonly capacity: number,
    private readonly onEvict: (value: V) => void = () => undefined,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, marked as most recently used (a Map iterates in insertion order, so re-insert it). */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      if (old !== value) this.onEvict(old);
    }
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, V];
      this.#entries.delete(oldestKey);
      this.onEvict(oldest);
    }
  }

  clear(): void {
    for (const value of this.#entries.values()) this.onEvict(value);
    this.#entries.clear();
  }
}
