import type { Store } from '../store/store.ts';
import type { MailDelivery } from './deliver-mail.ts';
import { mailUpdateChunks } from './mail-updates.ts';
import { closeDuePetitions } from './close-due-petitions.ts';
import { forgetPersonalData } from './forget-personal-data.ts';
import { reconcileCounts } from './reconcile-counts.ts';
import { purgeUnverifiedStarts } from './purge-unverified-starts.ts';

export interface Logger {
  error(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  info?(obj: unknown, msg?: string): void;
}

interface RecurringJob {
  name: string;
  everyMs: number;
  /**
   * Its last start is kept in the database (job_runs): it runs soon after start when due, and once
   * per interval across restarts and processes. Unrecorded jobs tick in every process.
   */
  recorded: boolean;
  run(): Promise<unknown>;
}

/** A recorded job's first look comes this long after start, plus up to FIRST_LOOK_JITTER_MS. */
export const FIRST_LOOK_MS = 2000;
/** Spreads the first looks of processes started together (`--workers N`, a rolling restart). */
export const FIRST_LOOK_JITTER_MS = 3000;
/** Later looks come up to this much (or a tenth of the interval) after the job falls due. */
const LOOK_JITTER_MS = 5000;
/** A look that could not reach the database is tried again this much later (or at the interval). */
const RETRY_LOOK_MS = 60_000;

export interface ScheduleOptions {
  firstLookMs?: number;
  firstLookJitterMs?: number;
  random?: () => number;
}

/**
 * All recurring work, listed in one place; `runOnce` runs a job now. Delivering mail is not on a
 * tick: its worker (deliver-mail.ts) runs whenever mail is committed.
 *
 * A recorded job is looked at a few seconds after start and then whenever it falls due: the look
 * claims the run in the database (store.claimJobRun) and runs it only if no process, this one
 * before a restart included, started it within its interval (decision 0036).
 */
export class Schedule {
  private timers: NodeJS.Timeout[] = [];
  private looks = new Map<string, NodeJS.Timeout>();
  private running = new Map<string, Promise<unknown>>();
  private looking = new Set<Promise<void>>();
  private stopped = false;
  private firstLookDone: (() => void) | null = null;
  readonly jobs: RecurringJob[];
  private readonly store: Store;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly options: Required<ScheduleOptions>;

  constructor(
    deps: { store: Store; delivery: MailDelivery; clock: () => Date; logger: Logger; baseUrl: string; anonymiseAfterDays: number },
    options: ScheduleOptions = {},
  ) {
    this.jobs = [
      // Updates become outbox mail in chunks, which the delivery worker is told about at once. Every
      // process drains the queue (another's chunk is skipped, not sent twice), so it is not recorded.
      { name: 'queue-update-mail', everyMs: 1000, recorded: false, run: async () => ((await mailUpdateChunks({ ...deps, stopping: () => this.stopped })) > 0 ? deps.delivery.wake() : undefined) },
      { name: 'close-due-petitions', everyMs: 60_000, recorded: true, run: () => closeDuePetitions(deps) },
      { name: 'forget-personal-data', everyMs: 60 * 60_000, recorded: true, run: () => forgetPersonalData(deps) },
      { name: 'reconcile-counts', everyMs: 15 * 60_000, recorded: true, run: () => reconcileCounts(deps) },
      { name: 'purge-unverified-starts', everyMs: 15 * 60_000, recorded: true, run: () => purgeUnverifiedStarts(deps) },
    ];
    this.store = deps.store;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.options = { firstLookMs: FIRST_LOOK_MS, firstLookJitterMs: FIRST_LOOK_JITTER_MS, random: Math.random, ...options };
  }

  /**
   * Starts the ticks and, after the first-look delay, looks at every recorded job at once. The promise
   * settles when that first look (and any run it started) is done; the server does not wait for it.
   */
  start(): Promise<void> {
    for (const job of this.jobs.filter((j) => !j.recorded)) this.timers.push(setInterval(() => void this.runOnce(job.name), job.everyMs).unref());
    const { firstLookMs, firstLookJitterMs, random } = this.options;
    return new Promise((resolve) => {
      this.firstLookDone = resolve;
      const first = setTimeout(() => {
        void Promise.all(this.jobs.filter((j) => j.recorded).map((job) => this.look(job))).then(() => resolve());
      }, firstLookMs + random() * firstLookJitterMs);
      this.timers.push(first); // not unref'd: a few seconds at most, and stop() clears it
    });
  }

  /** Runs a job unless it is already running; resolves when that run ends. */
  runOnce(name: string): Promise<unknown> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job || this.stopped) return Promise.resolve();
    return this.run(job);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.looks.values()) clearTimeout(t);
    await Promise.all(this.looking);
    await Promise.all(this.running.values());
    this.firstLookDone?.();
  }

  private run(job: RecurringJob): Promise<unknown> {
    const current = this.running.get(job.name);
    if (current) return current;
    const started = Date.now();
    const run = job
      .run()
      .then(() => job.recorded && this.logger.info?.({ job: job.name, ms: Date.now() - started }, 'job ran'))
      .catch((error) => this.logger.error({ err: error, job: job.name }, 'job failed'))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  /** Claims the job's run if it is due anywhere, runs it if claimed, and looks again when it next falls due. */
  private look(job: RecurringJob): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const look = (async () => {
      let waitMs: number;
      try {
        const { claimed, lastRunAt } = await this.store.claimJobRun(job.name, this.clock(), job.everyMs);
        // Claimed means recorded as started: it runs even if stop() came meanwhile (stop waits for it).
        if (claimed) await this.run(job);
        waitMs = Math.max(0, lastRunAt.getTime() + job.everyMs - this.clock().getTime());
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn({ err: error, job: job.name }, 'could not reach the database to schedule a job; trying again');
        waitMs = Math.min(job.everyMs, RETRY_LOOK_MS);
      }
      if (this.stopped) return;
      const jitter = this.options.random() * Math.min(LOOK_JITTER_MS, job.everyMs / 10);
      this.looks.set(job.name, setTimeout(() => void this.look(job), waitMs + jitter).unref());
    })();
    this.looking.add(look);
    return look.finally(() => this.looking.delete(look));
  }
}
