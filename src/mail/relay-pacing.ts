import { relayPauseMs } from '../domain/outbox.ts';

/**
 * The relay's quota (MAIL_RATE_PER_SECOND): tokens refill at the rate, and at most a tenth of a
 * second's worth can be saved up, so no minute ever sends more than the quota plus that tenth.
 * Time is passed in, so the pacing is testable at fixed instants.
 */
export class TokenBucket {
  private tokens: number;
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    private at: number,
  ) {
    this.burst = Math.max(1, perSecond / 10);
    this.tokens = this.burst;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until a token is there. */
  msUntilNext(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  /** Mail the bucket can pay for in the next `ms`: how much is worth leasing now. */
  affordable(now: number, ms: number): number {
    this.refill(now);
    return Math.floor(this.tokens + (ms * this.perSecond) / 1000);
  }
}

export type RelayState = 'up' | 'paused' | 'probing';

/**
 * Back-off for the relay as a whole (a circuit breaker): the first failure pauses all delivery,
 * the pause doubles while the relay keeps failing, and when it ends one message goes alone to
 * probe it. Failures of messages already in flight when the relay went down do not count again.
 */
export class RelayCircuit {
  private state: RelayState = 'up';
  private failures = 0;
  private pausedUntil = 0;
  private downSince = 0;

  /** Messages that may be in flight now. */
  slots(now: number, concurrency: number): number {
    if (this.state === 'up') return concurrency;
    if (this.state === 'paused' && now < this.pausedUntil) return 0;
    this.state = 'probing';
    return 1;
  }

  msUntilProbe(now: number): number {
    return this.state === 'paused' ? Math.max(0, this.pausedUntil - now) : 0;
  }

  /** Returns what changed, for one log line per change rather than one per message. */
  failed(now: number): { wentDown: boolean; pauseMs: number } | null {
    if (this.state === 'paused') return null;
    const wentDown = this.state === 'up';
    if (wentDown) this.downSince = now;
    this.failures += 1;
    const pauseMs = relayPauseMs(this.failures);
    this.state = 'paused';
    this.pausedUntil = now + pauseMs;
    return { wentDown, pauseMs };
  }

  /** Returns how long the relay was down when this success ended an outage. */
  succeeded(now: number): { downForMs: number } | null {
    if (this.state === 'up') return null;
    this.state = 'up';
    this.failures = 0;
    return { downForMs: now - this.downSince };
  }

  get current(): RelayState {
    return this.state;
  }
}
