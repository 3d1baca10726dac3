import { performance } from 'node:perf_hooks';

/**
 * A small cache whose entries live `ttlMs` and are loaded once however many callers ask at the same
 * moment (single flight). Time is monotonic: tests fix the wall clock. A failed load is forgotten.
 * The last value loaded for each key is kept past its time, to answer with while loading fails
 * (`getOrLast`: stale-if-error).
 */
export class TtlCache<V> {
  private entries = new Map<string, { at: number; value: Promise<V> }>();
  private lastLoaded = new Map<string, { at: number; value: V }>();

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

  /**
   * As `get`; but when loading fails with an error `keepServing` accepts (the database is away), the
   * last value loaded is answered, with its age in ms. Other errors, or no earlier value, throw.
   */
  async getOrLast(key: string, load: () => Promise<V>, keepServing: (error: unknown) => boolean): Promise<{ value: V; staleMs: number | null }> {
    try {
      return { value: await this.get(key, load), staleMs: null };
    } catch (error) {
      const last = this.lastLoaded.get(key);
      if (!last || !keepServing(error)) throw error;
      return { value: last.value, staleMs: performance.now() - last.at };
    }
  }

  /** Replaces an entry with a value known to be current (a commit just produced it). */
  set(key: string, value: V): void {
    this.put(key, Promise.resolve(value), performance.now());
  }

  // Forgetting forgets the last value too: a petition just hidden must not come back stale.
  delete(key: string): void {
    this.entries.delete(key);
    this.lastLoaded.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.lastLoaded.clear();
  }

  private put(key: string, value: Promise<V>, at: number): Promise<V> {
    // Cheaper than LRU bookkeeping, and a cache this short-lived refills in a second.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    if (this.lastLoaded.size >= this.maxEntries) this.lastLoaded.clear();
    const entry = { at, value };
    this.entries.set(key, entry);
    value.then(
      (loaded) => this.entries.get(key) === entry && this.lastLoaded.set(key, { at, value: loaded }),
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    return value;
  }
}
