import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { isPostgresUrl, openEngine } from './store/engine.ts';
import { isDatabaseUnavailable } from './store/unavailable.ts';
import { openStore } from './store/kysely-store.ts';
import type { Store } from './store/store.ts';
import { GroupCommitBatcher } from './signing/batcher.ts';
import { DevOutboxMailer, SmtpMailer, type Mailer } from './mail/mailer.ts';
import { Schedule } from './jobs/schedule.ts';
import { MailDelivery } from './jobs/deliver-mail.ts';
import { CityGazetteer } from './geo/gazetteer.ts';
import { announcingQueuedMail } from './services/announced-mail.ts';
import { buildApp } from './web/app.ts';
import { connectionDrain } from './web/connection-drain.ts';
import { ShutdownSteps } from './shutdown.ts';
import { RedisUnavailable, SharedRedis } from './redis/shared-redis.ts';
import { MemoryCounters, RedisCounters } from './signing/signing-counters.ts';
import { SignerScreening } from './services/signer-screening.ts';
import { PetitionLookup } from './services/petition-lookup.ts';
import { DEFAULT_CATEGORIES, seedDemo } from './services/seed-demo.ts';

export interface Running {
  app: FastifyInstance;
  store: Store;
  /** The address the server listens on, e.g. http://127.0.0.1:3000. */
  address: string;
  /** Stops within SHUTDOWN_TIMEOUT if nothing hangs (decision 0038); see the order in startServer. */
  close(): Promise<void>;
  /** What a stop under way still waits for, in words: for the line logged at its deadline. */
  stillOpen(): string[];
}

/**
 * Opens the store named by the config (migrating it) with the default categories. A database that
 * is not answering yet (still starting, or away) is waited for, with one line on standard error
 * per try, for up to DB_START_TIMEOUT; then start-up fails, so the process exits non-zero.
 */
export async function openConfiguredStore(
  config: Pick<Config, 'databaseUrl'> & Partial<Pick<Config, 'dbStartTimeoutMs'>>,
  options: { writerThread?: boolean; waiting?: (line: string) => void } = {},
): Promise<Store> {
  const timeoutMs = config.dbStartTimeoutMs ?? 60_000;
  const waiting = options.waiting ?? ((line: string) => process.stderr.write(`undersign: ${line}\n`));
  const startedAt = Date.now();
  for (let attempt = 1, wait = 500; ; attempt++, wait = Math.min(wait * 2, 5000)) {
    const engine = openEngine(config.databaseUrl);
    const left = timeoutMs - (Date.now() - startedAt);
    let timer: NodeJS.Timeout | undefined;
    try {
      // A server that takes the connection and then never answers is given up on at the deadline too.
      const gaveUp = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${Math.round(left / 1000)} s`), { code: 'ETIMEDOUT' })), left);
      });
      const store = await Promise.race([openStore(engine, options), gaveUp]);
      await store.ensureCategories(DEFAULT_CATEGORIES);
      if (attempt > 1) waiting(`the database at ${databaseName(config.databaseUrl)} answered; starting`);
      return store;
    } catch (error) {
      await engine.db.destroy().catch(() => {});
      if (!isDatabaseUnavailable(error)) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : (error as Error);
      const reason = cause.message || (cause as { code?: string }).code || 'no answer';
      const elapsed = Date.now() - startedAt;
      if (elapsed + wait >= timeoutMs) {
        throw new Error(`the database at ${databaseName(config.databaseUrl)} did not answer within DB_START_TIMEOUT (${Math.round(timeoutMs / 1000)} s): ${reason}`);
      }
      waiting(`waiting for the database at ${databaseName(config.databaseUrl)} (${reason}); try ${attempt}, again in ${wait / 1000} s`);
      await new Promise((r) => setTimeout(r, wait));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Where the database is, for a log line: host, port and name, never a password. */
function databaseName(url: string): string {
  if (!isPostgresUrl(url)) return url;
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

/** The only place that picks engines and wires the parts together. */
export async function startServer(config: Config, options: { clock?: () => Date; mailer?: Mailer; listen?: boolean } = {}): Promise<Running> {
  const clock = options.clock ?? (() => new Date());
  let delivery: MailDelivery | undefined;
  let schedule: Schedule | undefined;
  // Whatever queues mail wakes the worker after its commit; updates become outbox mail through their own job.
  const store = announcingQueuedMail(await openConfiguredStore(config, { writerThread: true }), {
    mailQueued: () => delivery?.wake(),
    updatePosted: () => void schedule?.runOnce('queue-update-mail'),
  });
  const geocoder = new CityGazetteer();
  if (config.demo) await seedDemo(store, clock(), geocoder);
  const batcher = new GroupCommitBatcher({ store, clock, maxInFlight: 2 });
  // One Redis connection per process for counters, rate limits and publishing counts, behind one breaker
  // that logs Redis going and coming back (decision 0037). Keys carry the database's own namespace, so
  // two sites (or test runs) sharing a Redis never mix counts. Connecting overlaps the rest of start-up.
  const redis = config.redisUrl
    ? new SharedRedis(config.redisUrl, `undersign:${await store.appSecret('redis-namespace', () => randomUUID())}:`, { warn: (fields, line) => app.log.warn(fields, line) })
    : undefined;
  // Shared counters when several processes serve one site; in memory when one does.
  const counters = redis ? new RedisCounters(redis, `${redis.namespace}sign:`) : new MemoryCounters();
  let lastCounterWarning = 0;
  const screening = new SignerScreening({
    store, counters, allowlist: config.allowlist, limits: config.rateLimit ? config.signingLimits : null,
    onCounterError: (error) => {
      if (error instanceof RedisUnavailable) return; // Redis going and coming back is logged once each, by the breaker
      if (Date.now() - lastCounterWarning < 60_000) return;
      lastCounterWarning = Date.now();
      app.log.warn({ err: error }, 'signing counters unreachable: signatures are taken unflagged');
    },
  });
  const mailer = options.mailer ?? (config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom, config.mailConcurrency) : new DevOutboxMailer());
  const app = await buildApp({
    config,
    services: { store, batcher, clock, config, geocoder, screening, petitionsForSigning: new PetitionLookup(store) },
    mailDeliveryState: () => delivery!.state,
    redis,
  });
  delivery = new MailDelivery({
    store, mailer, clock, logger: app.log,
    concurrency: config.mailConcurrency, ratePerSecond: config.mailRatePerSecond, leaseMs: config.mailLeaseMs,
  });
  schedule = new Schedule({ store, delivery, clock, logger: app.log, baseUrl: config.baseUrl, anonymiseAfterDays: config.anonymiseAfterDays });
  await redis?.connected(); // not connected within a second: the first requests skip Redis at once
  // A burst of new connections waits in the kernel's accept queue (capped at net.core.somaxconn) rather than
  // being dropped there and retried by clients after 1, 3, 7 s, where no 503 can reach them (decision 0036).
  // Not listening (in-process tests answer with app.inject, decision 0051): the address is the configured one.
  const address = options.listen === false ? (await app.ready(), config.baseUrl) : await app.listen({ port: config.port, host: config.host, backlog: 4096 });
  delivery.start();
  schedule.start();
  const connections = connectionDrain(app.server);
  const steps = new ShutdownSteps();
  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    address,
    stillOpen: () => steps.pending(),
    close: () =>
      (closing ??= (async () => {
        const timeoutMs = config.shutdownTimeoutMs;
        // Mail at once: nothing more is leased (a backlog waits for the next process), what waits here
        // goes back to the queue, and sends in flight get until a second before the deadline.
        const mailStopped = steps.track(() => `${delivery.state.inFlight} mails in flight to the relay`, delivery.stop(Math.max(0, timeoutMs - 1000)));
        const jobsStopped = steps.track('recurring jobs', schedule.stop());
        // No new connections; live streams are told to reconnect and end (app.ts's preClose); idle
        // keep-alive connections close now, busy ones when their request ends, and after half the
        // timeout every connection left. Requests in flight finish, and with them their batches.
        connections.begin(timeoutMs / 2);
        await steps.track(() => `${connections.open} HTTP connections`, app.close());
        connections.end();
        // Every acknowledged signature was committed before its answer; this writes what was still queued.
        await steps.track('signing batcher', batcher.flush());
        await jobsStopped;
        await mailStopped;
        const unsent = delivery.state.inFlight;
        if (unsent > 0) app.log.warn({ mails: unsent }, 'mail still in flight at shutdown keeps its lease; it is sent when the lease ends (MAIL_LEASE_SECONDS)');
        mailer.close();
        await steps.track('signing counters', counters.close());
        redis?.close();
        await steps.track('database', store.close());
      })()),
  };
}
