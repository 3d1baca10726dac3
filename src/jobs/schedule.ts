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
}

interface RecurringJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * All recurring work, listed in one place; `runOnce` runs a job now. Delivering mail is not on a
 * tick: its worker (deliver-mail.ts) runs whenever mail is committed.
 */
export class Schedule {
  private timers: NodeJS.Timeout[] = [];
  private running = new Map<string, Promise<unknown>>();
  private stopped = false;
  readonly jobs: RecurringJob[];

  constructor(deps: { store: Store; delivery: MailDelivery; clock: () => Date; logger: Logger; baseUrl: string; anonymiseAfterDays: number }) {
    this.jobs = [
      // Updates become outbox mail in chunks, which the delivery worker is told about at once.
      { name: 'queue-update-mail', everyMs: 1000, run: async () => ((await mailUpdateChunks(deps)) > 0 ? deps.delivery.wake() : undefined) },
      { name: 'close-due-petitions', everyMs: 60_000, run: () => closeDuePetitions(deps) },
      { name: 'forget-personal-data', everyMs: 60 * 60_000, run: () => forgetPersonalData(deps) },
      { name: 'reconcile-counts', everyMs: 15 * 60_000, run: () => reconcileCounts(deps) },
      { name: 'purge-unverified-starts', everyMs: 15 * 60_000, run: () => purgeUnverifiedStarts(deps) },
    ];
    this.logger = deps.logger;
  }

  private readonly logger: Logger;

  start(): void {
    for (const job of this.jobs) this.timers.push(setInterval(() => void this.runOnce(job.name), job.everyMs).unref());
  }

  /** Runs a job unless it is already running; resolves when that run ends. */
  runOnce(name: string): Promise<unknown> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job || this.stopped) return Promise.resolve();
    const current = this.running.get(name);
    if (current) return current;
    const run = job
      .run()
      .catch((error) => this.logger.error({ err: error, job: name }, 'job failed'))
      .finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.running.values());
  }
}
