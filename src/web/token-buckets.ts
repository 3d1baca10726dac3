export interface TokenBucketsOptions {
  /** Tokens a key may spend at once, and how many come back over `perMs`. */
  tokens: number;
  perMs: number;
  /** Keys remembered; past this the least recently seen is forgotten (it starts again full). */
  maxKeys: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * One token bucket per key (a client address), in memory only: nothing is stored or logged. Used where
 * a limit must count only some of a route's requests (share cards: drawings, not cards already drawn),
 * which @fastify/rate-limit, counting every request a route gets, cannot.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: TokenBucketsOptions) {}

  get size(): number {
    return this.buckets.size;
  }

  take(key: string, now: Date): Take {
    const { tokens: full, perMs, maxKeys } = this.options;
    const t = now.getTime();
    const bucket = this.buckets.get(key);
    const tokens = bucket ? Math.min(full, bucket.tokens + (Math.max(0, t - bucket.at) * full) / perMs) : full;
    if (tokens < 1) {
      this.remember(key, { tokens, at: t });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - tokens) * perMs) / full / 1000)) };
    }
    this.remember(key, { tokens: tokens - 1, at: t });
    while (this.buckets.size > maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
    return { ok: true };
  }

  /** Gives back a token taken for something that then did not happen (a drawing the queue refused). */
  giveBack(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.options.tokens, bucket.tokens + 1);
  }

  private remember(key: string, bucket: { tokens: number; at: number }): void {
    this.buckets.delete(key); // re-insert: Map order is the recency order
    this.buckets.set(key, bucket);
  }
}
