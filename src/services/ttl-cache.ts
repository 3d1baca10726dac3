import { performance } from 'node:perf_hooks';

/**
 * A small cache whose entries live `ttlMs` and are loaded once however many callers ask at the same
 * moment (single flight). Time is monotonic: tests fix the wall clock. A failed load is forgotten.
 */
export class TtlCache<V> {
  private entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = performance.now();
    const cached = this.entries.get(key);
    if (cached && now - cached.at < this.ttlMs) return cached.value;
    return this.put(key, load(), now);
  }

  /** Replaces an entry with a value known to be current (a commit just produced it). */
  set(key: string, value: V): void {
    this.put(key, Promise.resolve(value), performance.now());
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private put(key: string, value: Promise<V>, at: number): Promise<V> {
    // Cheaper than LRU bookkeeping, and a cache this short-lived refills in a second.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry = { at, value };
    this.entries.set(key, entry);
    value.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    return value;
  }
}
