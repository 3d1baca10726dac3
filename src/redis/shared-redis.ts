import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { admit, CLOSED, failed, succeeded, type CircuitBreaker } from '../domain/circuit-breaker.ts';

/** A command on the request path that gets no answer within this is given up on (Redis answers in well under 1 ms). */
export const COMMAND_TIMEOUT_MS = 500;
/** ioredis's own commandTimeout, a backstop: its timer fires before the socket is read, so it sits well behind ours (`deadline`). */
const CLIENT_COMMAND_TIMEOUT_MS = 4 * COMMAND_TIMEOUT_MS;
/** After a failure, Redis is left alone this long; then one command goes through as a probe. */
export const BREAKER_WINDOW_MS = 1000;

/** Where transitions are told: the app's logger (pino), or a fake in tests. */
export interface RedisLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** What a caller gets instead of an answer while Redis is away: fail open (count nothing, limit nothing, announce nothing). */
export class RedisUnavailable extends Error {
  override readonly name = 'RedisUnavailable';
}

// Reconnection is ioredis's, in the background, at most a second apart; no request ever waits for it.
const connection: RedisOptions = { connectTimeout: 1000, retryStrategy: (times) => Math.min(times * 100, 1000) };

/**
 * One process's Redis (decision 0037): one connection for every command on the request path (signing
 * counters, rate limits, publishing counts) behind one circuit breaker, and connections of their own
 * for SUBSCRIBE. A command fails within COMMAND_TIMEOUT_MS at worst, and at once while the breaker is
 * open; callers fail open. Redis going away and coming back is logged once each, not per request.
 */
export class SharedRedis {
  readonly client: Redis;
  /** host:port, for log lines (never a password). */
  readonly address: string;
  private breaker: CircuitBreaker = CLOSED;
  private lastConnectionError: Error | null = null;
  private readonly subscribers = new Set<Redis>();
  private readonly skipped = new RedisUnavailable('Redis is away: skipped');

  constructor(
    private readonly url: string,
    /** Every key and channel starts with this (`undersign:<per-database secret>:`), so sites and test runs sharing a Redis never mix. */
    readonly namespace: string,
    private readonly log: RedisLog,
    private readonly now: () => number = Date.now,
  ) {
    const parsed = new URL(url);
    this.address = `${parsed.hostname}:${parsed.port || 6379}`;
    // No offline queue and no retries: a command sent while Redis is away fails now, not after a reconnection.
    this.client = new Redis(url, { ...connection, commandTimeout: CLIENT_COMMAND_TIMEOUT_MS, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    // Without a listener ioredis prints "Unhandled error event" on every failed reconnection.
    this.client.on('error', (error: Error) => (this.lastConnectionError = error));
    this.client.on('ready', () => (this.lastConnectionError = null));
  }

  /** Runs `work` against Redis, unless the breaker is open: then it rejects at once with RedisUnavailable. */
  async run<T>(work: (client: Redis) => Promise<T>): Promise<T> {
    const admitted = admit(this.breaker, this.now(), BREAKER_WINDOW_MS);
    this.breaker = admitted.breaker;
    if (!admitted.allowed) throw this.skipped;
    try {
      const value = await this.deadline(work(this.client));
      this.answered();
      return value;
    } catch (error) {
      // An error reply is Redis answering: it is there, the command was wrong.
      if (error instanceof ReplyError) {
        this.answered();
        throw error;
      }
      this.away(error);
      throw new RedisUnavailable(`Redis at ${this.address}: ${this.reason(error)}`, { cause: error });
    }
  }

  /**
   * Waits up to `ms` for the first connection (start-up overlaps it). Not connected by then (refused,
   * or accepted and silent): the breaker opens, so the first requests skip Redis instead of each failing.
   */
  async connected(ms = 1000): Promise<void> {
    if (this.client.status === 'ready') return;
    const settled = await new Promise<boolean>((resolve) => {
      const done = (ready: boolean) => () => {
        clearTimeout(timer);
        this.client.off('ready', onReady).off('error', onError);
        resolve(ready);
      };
      const onReady = done(true);
      const onError = done(false);
      const timer = setTimeout(done(false), ms);
      this.client.once('ready', onReady).once('error', onError);
    });
    if (!settled) this.away(this.lastConnectionError ?? new Error(`no answer within ${ms} ms at start`));
  }

  /**
   * A connection of its own for SUBSCRIBE (a subscribed connection can do nothing else). `onReady` runs
   * on every connection, the first and each after a reconnection, so subscriptions come back with Redis
   * even when the first attempt failed.
   */
  subscriber(onReady: (subscriber: Redis) => void): Redis {
    const subscriber = new Redis(this.url, { ...connection, autoResubscribe: false, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    subscriber.on('error', () => {}); // the breaker reports Redis going and coming back
    subscriber.on('ready', () => onReady(subscriber));
    this.subscribers.add(subscriber);
    return subscriber;
  }

  /**
   * `answer`, or 'Command timed out' after COMMAND_TIMEOUT_MS. Timers run before the event loop reads
   * sockets, so when this process was too busy to look (CPU starved, a long pause), a reply that arrived
   * meanwhile is read first: the verdict waits for that read (setImmediate), and a busy process is not
   * taken for Redis going away.
   */
  private deadline<T>(answer: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (settled) return;
            settled = true;
            reject(new Error('Command timed out'));
          }),
        COMMAND_TIMEOUT_MS,
      );
      answer.then(
        (value) => {
          clearTimeout(timer);
          if (!settled) (settled = true), resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!settled) (settled = true), reject(error);
        },
      );
    });
  }

  /** Disconnects, without waiting: quit would wait for a server that may never answer. */
  close(): void {
    this.client.disconnect();
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers.clear();
  }

  private answered(): void {
    const { breaker, recovered } = succeeded(this.breaker, this.now());
    this.breaker = breaker;
    if (recovered) {
      const seconds = (recovered.downMs / 1000).toFixed(1);
      this.log.warn(
        { redis: this.address, downMs: recovered.downMs },
        `Redis at ${this.address} is back after ${seconds} s: signing limits, rate limits and live counts across processes are on again`,
      );
    }
  }

  private away(error: unknown): void {
    const { breaker, opened } = failed(this.breaker, this.now(), BREAKER_WINDOW_MS);
    this.breaker = breaker;
    if (opened) {
      const reason = this.reason(error);
      this.log.warn(
        { redis: this.address, reason },
        `Redis at ${this.address} is not answering (${reason}): signing limits, rate limits and live counts across processes are off until it is back; signing goes on`,
      );
    }
  }

  /** Why a command failed, in words an operator can act on. */
  private reason(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    if (message === 'Command timed out') return `no answer within ${COMMAND_TIMEOUT_MS} ms`;
    if (/enableOfflineQueue|max retries per request/i.test(message)) {
      return this.lastConnectionError ? `not connected: ${this.lastConnectionError.message}` : 'not connected';
    }
    return message || (error as { code?: string }).code || 'unknown error';
  }
}
