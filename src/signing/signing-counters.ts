import type { Redis } from 'ioredis';

/**
 * Fixed-window counters for the signing limits. In one process they live in memory; with
 * REDIS_URL every process shares them, so running more processes does not multiply the limits.
 */
export interface SigningCounters {
  /** Adds one to each named counter in the window holding `now`; returns the new counts, in order. */
  increment(names: string[], windowMs: number, now: Date): Promise<number[]>;
  close(): Promise<void>;
}

export class MemoryCounters implements SigningCounters {
  private counts = new Map<string, number>();
  private window = -1;

  async increment(names: string[], windowMs: number, now: Date): Promise<number[]> {
    const window = Math.floor(now.getTime() / windowMs);
    // A new window starts every counter from zero, and frees the memory of the old ones.
    if (window !== this.window) (this.counts = new Map()), (this.window = window);
    return names.map((name) => {
      const count = (this.counts.get(name) ?? 0) + 1;
      this.counts.set(name, count);
      return count;
    });
  }

  async close(): Promise<void> {}
}

export class RedisCounters implements SigningCounters {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(names: string[], windowMs: number, now: Date): Promise<number[]> {
    if (names.length === 0) return [];
    const window = Math.floor(now.getTime() / windowMs);
    const pipeline = this.redis.multi();
    for (const name of names) {
      const key = `${this.prefix}${window}:${name}`;
      pipeline.incr(key).pexpire(key, windowMs * 2);
    }
    const replies = (await pipeline.exec()) ?? [];
    return names.map((_, i) => {
      const [error, count] = replies[i * 2] ?? [new Error('no reply')];
      if (error) throw error;
      return Number(count);
    });
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
