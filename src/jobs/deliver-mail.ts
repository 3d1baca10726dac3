import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { afterMailFailure, bulkShare } from '../domain/outbox.ts';
import { MailDeliveryError, type Mailer } from '../mail/mailer.ts';
import { RelayCircuit, TokenBucket } from '../mail/relay-pacing.ts';
import { emptySettlement, settlementSize, type MailSettlement } from '../store/outbox-queries.ts';
import type { OutboxMail } from '../store/records.ts';
import type { Store } from '../store/store.ts';

export interface DeliveryLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface MailDeliveryOptions {
  store: Store;
  mailer: Mailer;
  clock: () => Date;
  logger: DeliveryLogger;
  /** Messages in flight at once (MAIL_CONCURRENCY). */
  concurrency: number;
  /** The relay's quota (MAIL_RATE_PER_SECOND); null for none. */
  ratePerSecond: number | null;
  /** How long a lease lasts unless renewed: how long a dead worker's mail waits (decision 0042). */
  leaseMs: number;
}

/** Finished mail waits this long for company before it is recorded, unless half the slots' worth has piled up. */
const SETTLE_AFTER_MS = 20;
/** Even when nothing wakes it, the worker looks for due mail (retries, mail other processes queued). */
const IDLE_LOOK_MS = 1000;
/** After a failed database write the worker tries again this much later, keeping what it had to record. */
const DATABASE_RETRY_MS = 1000;
/**
 * The worker renews the leases it holds once they were last confirmed this share of a lease ago:
 * a quarter, so two renewals can fail (or wait behind a busy writer) before a lease runs out.
 */
const RENEW_AFTER_SHARE = 0.25;

/**
 * The outbox's delivery worker (decision 0027). Many messages are in flight at once over the
 * mailer's pooled connections; what finished is recorded, and the next mail leased, in one write
 * every few milliseconds; the worker runs as soon as mail is committed (`wake`), not on a tick.
 * Priority mail is leased first, with a tenth kept for bulk; the relay's quota is a token bucket;
 * a failing relay pauses all delivery instead of each message backing off alone. Leases are short
 * and renewed in those same writes while this worker holds the mail (decision 0042), so a live
 * worker keeps its mail however slow the relay, and a dead one's is free within a lease.
 */
export class MailDelivery {
  /** Names this process's leases; only the holder may hand a mail back or give it up. */
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly ready: OutboxMail[] = [];
  /** Ids leased here and not yet recorded: a lease renewed under us (the clock jumped) must not send a mail twice. */
  private readonly held = new Set<number>();
  /**
   * Of those, the ones still ours, with the wall time their lease ends as the database last
   * confirmed it (a write's start plus a lease). A mail another worker took is no longer here.
   */
  private readonly leaseEnds = new Map<number, number>();
  private inFlight = 0;
  private settlement: MailSettlement = emptySettlement();
  private readonly circuit = new RelayCircuit();
  private readonly bucket: TokenBucket | null;
  private bulkCredit = 0;
  /** The last claim was full, or something woke us: more mail may be due. */
  private mayHaveMore = true;
  private exchanging: Promise<void> | null = null;
  private exchangeAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private pumpTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastDatabaseWarning = 0;
  /** After a failed write, renewals wait for the retry instead of asking an absent database at once. */
  private databaseRetryAt = 0;

  constructor(private readonly options: MailDeliveryOptions) {
    this.bucket = options.ratePerSecond ? new TokenBucket(options.ratePerSecond, Date.now()) : null;
  }

  start(): void {
    this.idleTimer = setInterval(() => this.wake(), IDLE_LOOK_MS).unref();
    this.wake();
  }

  /** Mail was committed (here or, on the idle look, anywhere): look for it now. */
  wake(): void {
    if (this.stopped) return;
    this.mayHaveMore = true;
    // A busy worker writes within a few milliseconds anyway: hundreds of signers a second must not
    // each cost a write of their own.
    this.exchangeSoon(this.inFlight > 0 || this.ready.length > 0 ? SETTLE_AFTER_MS : 0);
  }

  /**
   * Stops leasing and hands back what waits here, so a backlog is not sent at shutdown; sends in
   * flight get `waitMs` to finish, and what finished is recorded. A send still unfinished then keeps
   * its lease, and goes when the lease ends, as after a crash (`state.inFlight` says how many).
   */
  async stop(waitMs = Infinity): Promise<void> {
    const until = Date.now() + waitMs;
    this.stopped = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    if (this.timer) clearTimeout(this.timer);
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.handBackReady(null);
    // A lease under way when we stopped: what it took goes back too.
    while (this.exchanging) await this.exchanging;
    this.handBackReady(null);
    let renewAt = 0;
    while (this.inFlight > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      // Sends still with the relay keep their leases while we wait for them (a try a second at most).
      if (this.renewalDue(Date.now()) && Date.now() >= renewAt) {
        renewAt = Date.now() + DATABASE_RETRY_MS;
        await this.exchange();
      }
    }
    while (this.exchanging) await this.exchanging;
    if (settlementSize(this.settlement) > 0) await this.exchange();
  }

  /** Messages sent, queued here or in flight: for the admin page and tests. */
  get state(): { inFlight: number; ready: number; relay: string } {
    return { inFlight: this.inFlight, ready: this.ready.length, relay: this.circuit.current };
  }

  private exchangeSoon(delayMs: number): void {
    if (this.stopped) return; // stop() writes the last settlement itself
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      void this.runExchange();
    }, delayMs);
  }

  private async runExchange(): Promise<void> {
    if (this.exchanging) {
      this.exchangeAgain = true;
      return;
    }
    this.exchanging = this.exchange().finally(() => (this.exchanging = null));
    await this.exchanging;
    if (this.exchangeAgain) {
      this.exchangeAgain = false;
      this.exchangeSoon(0);
    }
    // Even when nothing finishes (a slow relay), the next write comes in time to renew.
    const oldest = this.oldestLeaseEnd();
    if (oldest !== null) this.exchangeSoon(Math.max(0, this.renewalAt(oldest) - Date.now(), this.databaseRetryAt - Date.now()));
  }

  private oldestLeaseEnd(): number | null {
    let oldest: number | null = null;
    for (const end of this.leaseEnds.values()) if (oldest === null || end < oldest) oldest = end;
    return oldest;
  }

  /** When a lease confirmed to end at `end` is renewed. */
  private renewalAt(end: number): number {
    return end - this.options.leaseMs * (1 - RENEW_AFTER_SHARE);
  }

  private renewalDue(now: number): boolean {
    const oldest = this.oldestLeaseEnd();
    return oldest !== null && now >= this.renewalAt(oldest);
  }

  /** Another worker holds this mail now: it is not sent from here unless already on its way. */
  private lost(id: number): void {
    this.leaseEnds.delete(id);
    const waiting = this.ready.findIndex((m) => m.id === id);
    if (waiting < 0) return;
    this.ready.splice(waiting, 1);
    this.held.delete(id);
  }

  /** How many more mails to lease: enough to keep every slot busy, and as many again waiting here. */
  private wanted(now: number): number {
    if (this.stopped) return 0;
    const slots = this.circuit.slots(now, this.options.concurrency);
    let want = Math.max(0, Math.min(slots, this.options.concurrency) * 2 - this.inFlight - this.ready.length);
    if (this.circuit.current === 'probing') want = Math.max(0, 1 - this.inFlight - this.ready.length);
    // Under a quota, lease only what the next half second can pay for: leased mail blocks other workers.
    if (this.bucket) want = Math.min(want, Math.max(0, this.bucket.affordable(now, 500) - this.ready.length));
    return want;
  }

  /** One write: record what finished, renew what is still held when due, lease what comes next. */
  private async exchange(): Promise<void> {
    const { store, clock, leaseMs } = this.options;
    const settle = this.settlement;
    this.settlement = emptySettlement();
    for (const id of settledIds(settle)) {
      this.held.delete(id);
      this.leaseEnds.delete(id);
    }
    const startedAt = Date.now();
    const want = this.mayHaveMore ? this.wanted(startedAt) : 0;
    // All held mail is renewed together, so that one write a quarter-lease serves it all.
    const renewing = this.renewalDue(startedAt) ? [...this.leaseEnds.keys()] : [];
    if (settlementSize(settle) === 0 && want === 0 && renewing.length === 0) return;
    const now = clock();
    try {
      // An idle look needs no write lock (on SQLite a write waits for the signing writer's commit).
      if (settlementSize(settle) === 0 && renewing.length === 0 && !(await store.hasDueMail(now))) {
        this.mayHaveMore = false;
        return;
      }
      const share = bulkShare(want, this.bulkCredit);
      const { renewed, claimed } = await store.transaction(async (tx) => {
        if (settlementSize(settle) > 0) await tx.settleMail(this.worker, now, settle);
        const renewed = renewing.length > 0 ? await tx.renewMailLeases({ now, worker: this.worker, ids: renewing, leaseMs }) : [];
        const claimed = want > 0 ? await tx.claimMail({ now, worker: this.worker, limit: want, bulkAtLeast: share.bulkAtLeast, leaseMs }) : [];
        return { renewed, claimed };
      });
      this.bulkCredit = share.credit;
      this.mayHaveMore = want > 0 && claimed.length === want;
      // The database's lease began no earlier than this write did.
      const end = startedAt + leaseMs;
      const kept = new Set(renewed);
      for (const id of renewing) {
        if (!kept.has(id)) this.lost(id);
        else if (this.leaseEnds.has(id)) this.leaseEnds.set(id, end);
      }
      for (const mail of claimed) {
        this.leaseEnds.set(mail.id, end);
        if (this.held.has(mail.id)) continue;
        this.held.add(mail.id);
        this.ready.push(mail);
      }
    } catch (error) {
      // The database is away: keep what must be recorded and try again; mail stays leased meanwhile.
      mergeInto(this.settlement, settle);
      this.databaseRetryAt = Date.now() + DATABASE_RETRY_MS;
      if (Date.now() - this.lastDatabaseWarning > 60_000) {
        this.lastDatabaseWarning = Date.now();
        this.options.logger.error({ err: error }, 'mail delivery could not reach the database; retrying');
      }
      if (!this.stopped) this.exchangeSoon(DATABASE_RETRY_MS);
      return;
    }
    this.pump();
    if (this.mayHaveMore && this.wanted(Date.now()) > 0) this.exchangeSoon(0);
  }

  /** Starts sends while there are free slots, tokens and leased mail. */
  private pump(): void {
    const { concurrency, leaseMs } = this.options;
    for (;;) {
      const now = Date.now();
      const slots = this.circuit.slots(now, concurrency);
      if (this.inFlight >= slots || this.ready.length === 0 || this.stopped) break;
      if (this.bucket && this.bucket.msUntilNext(now) > 0) {
        this.pumpLater(this.bucket.msUntilNext(now));
        break;
      }
      const next = this.ready.shift()!;
      // A mail whose lease the database has not confirmed for half a lease (it was away) is not
      // started: by the time the relay had it, the lease could have passed to another worker.
      const leaseEnd = this.leaseEnds.get(next.id);
      if (leaseEnd === undefined || leaseEnd - now < leaseMs / 2) {
        this.settlement.released.push({ id: next.id, error: null });
        continue;
      }
      this.bucket?.take(now);
      this.inFlight++;
      void this.deliver(next);
    }
    if (this.circuit.current === 'paused') this.pumpLater(this.circuit.msUntilProbe(Date.now()));
  }

  private pumpLater(ms: number): void {
    if (this.pumpTimer || this.stopped) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = null;
      this.pump();
      this.wake();
    }, ms);
  }

  private async deliver(mail: OutboxMail): Promise<void> {
    const { mailer, clock, logger } = this.options;
    try {
      await mailer.send(mail);
      this.settlement.sent.push(mail.id);
      const back = this.circuit.succeeded(Date.now());
      if (back) logger.info({ downForMs: back.downForMs }, 'mail relay is taking mail again');
    } catch (error) {
      const code = error instanceof MailDeliveryError ? error.responseCode : undefined;
      const stage = error instanceof MailDeliveryError ? error.stage : 'relay';
      const message = error instanceof Error ? error.message : String(error);
      const decision = afterMailFailure(mail.attempts + 1, code, clock(), stage);
      if (decision.kind === 'relay-down') {
        this.settlement.released.push({ id: mail.id, error: message });
        const change = this.circuit.failed(Date.now());
        if (change) {
          if (change.wentDown) logger.warn({ err: error, pauseMs: change.pauseMs }, 'mail relay is not taking mail; delivery paused, nothing is lost');
          // What waits here goes back to the queue, for whichever worker reaches a relay first.
          this.handBackReady(message);
        }
      } else if (decision.kind === 'retry') {
        this.settlement.retry.push({ id: mail.id, at: decision.at, error: message });
      } else {
        this.settlement.dropped.push({ id: mail.id, error: message, reason: decision.reason });
      }
    } finally {
      this.inFlight--;
      this.pump();
      const pile = settlementSize(this.settlement);
      this.exchangeSoon(pile >= this.options.concurrency / 2 || this.inFlight === 0 ? 0 : SETTLE_AFTER_MS);
    }
  }

  private handBackReady(error: string | null): void {
    for (const mail of this.ready.splice(0)) this.settlement.released.push({ id: mail.id, error });
  }
}

function settledIds(s: MailSettlement): number[] {
  return [...s.sent, ...s.retry.map((r) => r.id), ...s.released.map((r) => r.id), ...s.dropped.map((r) => r.id)];
}

function mergeInto(target: MailSettlement, source: MailSettlement): void {
  target.sent.push(...source.sent);
  target.retry.push(...source.retry);
  target.released.push(...source.released);
  target.dropped.push(...source.dropped);
}
