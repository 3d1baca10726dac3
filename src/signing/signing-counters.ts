import type { SharedRedis } from '../redis/shared-redis.ts';

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

/**
 * Counters in the process's shared Redis, behind its breaker: while Redis is away `increment` rejects
 * at once (RedisUnavailable) and the screening takes the signature unflagged.
 */
export class RedisCounters implements SigningCounters {
  constructor(
    private readonly redis: SharedRedis,
    private readonly prefix: string,
  ) {}

  async increment(names: string[], windowMs: number, now: Date): Promise<number[]> {
    if (names.length === 0) return [];
    const window = Math.floor(now.getTime() / windowMs);
    const replies =
      (await this.redis.run((client) => {
        const pipeline = client.multi();
        for (const name of names) {
          const key = `${this.prefix}${window}:${name}`;
          pipeline.incr(key).pexpire(key, windowMs * 2);
        }
        return pipeline.exec();
      })) ?? [];
    return names.map((_, i) => {
      const [error, count] = replies[i * 2] ?? [new Error('no reply')];
      if (error) throw error;
      return Number(count);
    });
  }

  /** The connection is the process's (main.ts closes it). */
  async close(): Promise<void> {}
}
