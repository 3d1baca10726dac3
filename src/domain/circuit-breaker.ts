/**
 * A circuit breaker for a service the site can do without for a while (Redis): after a failure, calls
 * are skipped for a window instead of each waiting to fail; then one call goes through as a probe,
 * and its outcome closes the breaker or opens it for another window. Pure: times are passed in.
 *
 *   closed ──failure──> open ──window passed: one probe──> half-open ──success──> closed
 *                        ^                                    │
 *                        └────────────── failure ─────────────┘
 */
export type CircuitBreaker =
  | { readonly state: 'closed' }
  /** `since`: when the service was first found away; `retryAt`: when a probe may go. */
  | { readonly state: 'open'; readonly since: number; readonly retryAt: number }
  /** A probe went at `probedAt`; other calls wait for its outcome (or for a window, if it never settles). */
  | { readonly state: 'half-open'; readonly since: number; readonly probedAt: number };

export const CLOSED: CircuitBreaker = { state: 'closed' };

/** Whether a call may go ahead at `now`: always when closed; when open, one probe once the window has passed. */
export function admit(breaker: CircuitBreaker, now: number, windowMs: number): { breaker: CircuitBreaker; allowed: boolean } {
  switch (breaker.state) {
    case 'closed':
      return { breaker, allowed: true };
    case 'open':
      if (now < breaker.retryAt) return { breaker, allowed: false };
      return { breaker: { state: 'half-open', since: breaker.since, probedAt: now }, allowed: true };
    case 'half-open':
      // A probe that never settles must not keep the breaker half-open for ever: another may go.
      if (now - breaker.probedAt < windowMs) return { breaker, allowed: false };
      return { breaker: { state: 'half-open', since: breaker.since, probedAt: now }, allowed: true };
  }
}

/**
 * A call failed at `now`: the breaker opens (again) for a window. `opened` only when it was closed,
 * so the service going away is noticed once however many calls were in flight.
 */
export function failed(breaker: CircuitBreaker, now: number, windowMs: number): { breaker: CircuitBreaker; opened: boolean } {
  const since = breaker.state === 'closed' ? now : breaker.since;
  return { breaker: { state: 'open', since, retryAt: now + windowMs }, opened: breaker.state === 'closed' };
}

/**
 * A call succeeded at `now`. A probe's success closes the breaker (`downMs`: how long the service was
 * away); a late answer to a call made before the breaker opened changes nothing, since the probe decides.
 */
export function succeeded(breaker: CircuitBreaker, now: number): { breaker: CircuitBreaker; recovered: { downMs: number } | null } {
  if (breaker.state !== 'half-open') return { breaker, recovered: null };
  return { breaker: CLOSED, recovered: { downMs: now - breaker.since } };
}
