import { createRequire } from 'node:module';
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { SharedRedis } from './shared-redis.ts';

type Answer = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Answer) => void;
type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];
interface Store {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  read?(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(routeOptions: RouteOptions): Store;
}

// The plugin's own Redis store (its Lua script: one round trip per request). The package exports it
// by path only, so it is loaded by path; the plugin's `redis` option would build the same store unguarded.
const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key: string,
) => Store;

/**
 * @fastify/rate-limit's Redis store behind the process's breaker: while Redis is away a request is
 * not made to wait for it; the store answers with an error at once, which `skipOnError` turns into
 * "not limited" (fail open, as before, but without the wait).
 */
class GuardedStore implements FastifyRateLimitStore {
  constructor(
    private readonly inner: Store,
    private readonly redis: SharedRedis,
  ) {}

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    this.guarded((cb) => this.inner.incr(key, cb, timeWindow, max), callback);
  }

  read(key: string, callback: Callback, timeWindow: number, max: number): void {
    this.guarded((cb) => this.inner.read!(key, cb, timeWindow, max), callback);
  }

  child(routeOptions: RouteOptions): FastifyRateLimitStore {
    return new GuardedStore(this.inner.child(routeOptions), this.redis);
  }

  private guarded(call: (cb: Callback) => void, callback: Callback): void {
    this.redis
      .run(() => new Promise<Answer>((resolve, reject) => call((error, result) => (error ? reject(error) : resolve(result!)))))
      .then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
  }
}

/** The `store` option for @fastify/rate-limit: counts under `nameSpace` in the shared Redis, guarded. */
export function guardedRateLimitStore(redis: SharedRedis, nameSpace: string): FastifyRateLimitStoreCtor {
  return class extends GuardedStore {
    constructor(options: FastifyRateLimitOptions) {
      // The plugin passes its resolved global settings, which carry these two too.
      const { continueExceeding = false, exponentialBackoff = false } = options as { continueExceeding?: boolean; exponentialBackoff?: boolean };
      super(new RedisStore(continueExceeding, exponentialBackoff, redis.client, nameSpace), redis);
    }
  };
}
