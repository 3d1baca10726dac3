import type { Store } from '../store/store.ts';
import type { ConfirmOutcome, CountChange, SignatureToWrite, SignOutcome } from '../store/records.ts';
import { isDatabaseUnavailable, isStorageFull } from '../store/unavailable.ts';

/** What the commit says about one signature. */
export interface SignReceipt {
  outcome: SignOutcome;
  /**
   * Set when the address had already signed and confirmed, and its "already signed" mail was
   * counted: the caller sends it, after answering the signer exactly as it answers anyone.
   */
  alreadySigned: { name: string } | null;
}

export interface SigningBatcher {
  /** Resolves after the transaction that holds this signature has committed. */
  sign(signature: SignatureToWrite): Promise<SignReceipt>;
  /** Confirms by token hash; idempotent. Resolves after the commit. */
  confirm(tokenHash: string): Promise<ConfirmOutcome>;
  /** Writes everything queued and waits for it: for graceful shutdown and tests. */
  flush(): Promise<void>;
  /** Called once per committed batch that moved counts (cache invalidation, live counts). */
  onCommit(listener: (changes: CountChange[]) => void): void;
}

export interface BatcherOptions {
  store: Store;
  clock: () => Date;
  /** How long the first request of a batch waits for company. */
  windowMs?: number;
  maxBatch?: number;
  /**
   * Batches committing at once. With 2, the next batch is handed over while one commits, so the
   * writer never waits for a round trip; the database still orders them (one SQLite writer; the
   * petition row's lock on PostgreSQL), so counts and milestones stay exact.
   */
  maxInFlight?: number;
  /**
   * How long a batch keeps its signers waiting while the database is away (a restart, a failover)
   * before they are answered 503. Retried with backoff up to half a second apart, so signing
   * resumes within that of the database returning.
   */
  unavailableRetryMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Job =
  | { kind: 'sign'; signature: SignatureToWrite; resolve: (r: SignReceipt) => void; reject: (e: unknown) => void }
  | { kind: 'confirm'; tokenHash: string; resolve: (o: ConfirmOutcome) => void; reject: (e: unknown) => void };

/**
 * Group commit: everything that arrives while a batch waits or commits goes into the next
 * transaction. One commit (one disk flush) and one count update per petition serve hundreds of
 * signers, and each is answered only after its own commit.
 */
export class GroupCommitBatcher implements SigningBatcher {
  private queue: Job[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly listeners: Array<(changes: CountChange[]) => void> = [];
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly unavailableRetryMs: number;

  constructor(private readonly options: BatcherOptions) {
    this.windowMs = options.windowMs ?? 2;
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 1;
    this.unavailableRetryMs = options.unavailableRetryMs ?? 10_000;
  }

  sign(signature: SignatureToWrite): Promise<SignReceipt> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'sign', signature, resolve, reject }));
  }

  confirm(tokenHash: string): Promise<ConfirmOutcome> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'confirm', tokenHash, resolve, reject }));
  }

  onCommit(listener: (changes: CountChange[]) => void): void {
    this.listeners.push(listener);
  }

  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      if (this.inFlight.size < this.maxInFlight) this.startBatch();
      await Promise.race(this.inFlight);
    }
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (this.inFlight.size >= this.maxInFlight) return; // a running batch picks the queue up when it ends
    if (this.queue.length >= this.maxBatch) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.startBatch();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startBatch();
      }, this.windowMs);
    }
  }

  private startBatch(): void {
    const jobs = this.queue.splice(0, this.maxBatch);
    if (jobs.length === 0) return;
    const batch: Promise<void> = this.commit(jobs).finally(() => {
      this.inFlight.delete(batch);
      // What queued up during the commit is already a batch: write it at once.
      if (this.queue.length > 0 && !this.timer) this.startBatch();
    });
    this.inFlight.add(batch);
  }

  private async commit(jobs: Job[]): Promise<void> {
    try {
      await this.writeWhenReachable(jobs);
    } catch (error) {
      // A full or read-only disk refuses every row alike: one by one would only refuse each again.
      if (jobs.length === 1 || isDatabaseUnavailable(error) || isStorageFull(error)) {
        for (const job of jobs) job.reject(error);
        return;
      }
      // One bad row must not fail its neighbours: retry each alone so only the culprit fails.
      for (const job of jobs) {
        try {
          await this.write([job]);
        } catch (single) {
          job.reject(single);
        }
      }
    }
  }

  /**
   * The batch is kept while the database is away, and written whole once it is back. A commit whose
   * answer was lost with the connection may have happened: written again, its signatures are found
   * already there (one per address) and its confirmations already done, so nothing counts twice.
   */
  private async writeWhenReachable(jobs: Job[]): Promise<void> {
    const deadline = Date.now() + this.unavailableRetryMs;
    for (let wait = 25; ; wait = Math.min(wait * 2, 500)) {
      try {
        return await this.write(jobs);
      } catch (error) {
        if (!isDatabaseUnavailable(error) || Date.now() + wait > deadline) throw error;
        await sleep(wait);
      }
    }
  }

  private async write(jobs: Job[]): Promise<void> {
    const signs = jobs.filter((j): j is Extract<Job, { kind: 'sign' }> => j.kind === 'sign');
    const confirms = jobs.filter((j): j is Extract<Job, { kind: 'confirm' }> => j.kind === 'confirm');
    const result = await this.options.store.commitSignatureBatch({
      now: this.options.clock(),
      signatures: signs.map((j) => j.signature),
      confirmations: confirms.map((j) => j.tokenHash),
    });
    const alreadySigned = result.alreadySigned.length > 0 ? new Map(result.alreadySigned.map((a) => [a.index, { name: a.name }])) : null;
    signs.forEach((j, i) => j.resolve({ outcome: result.signatures[i]!, alreadySigned: alreadySigned?.get(i) ?? null }));
    confirms.forEach((j, i) => j.resolve(result.confirmations[i]!));
    if (result.counts.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(result.counts);
      } catch {
        // A listener's failure must never turn a committed batch into a retried one.
      }
    }
  }
}
