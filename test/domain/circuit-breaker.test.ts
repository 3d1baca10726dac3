import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit, CLOSED, failed, succeeded, type CircuitBreaker } from '../../src/domain/circuit-breaker.ts';

const WINDOW = 1000;

test('closed, every call goes ahead; a success changes nothing and recovers nothing', () => {
  assert.deepEqual(admit(CLOSED, 0, WINDOW), { breaker: CLOSED, allowed: true });
  assert.deepEqual(succeeded(CLOSED, 5), { breaker: CLOSED, recovered: null });
});

test('a failure opens it once, however many calls in flight fail after it; calls are skipped for the window', () => {
  const first = failed(CLOSED, 10_000, WINDOW);
  assert.equal(first.opened, true);
  assert.deepEqual(first.breaker, { state: 'open', since: 10_000, retryAt: 11_000 });
  const second = failed(first.breaker, 10_200, WINDOW);
  assert.equal(second.opened, false, 'the going away is told once');
  assert.deepEqual(second.breaker, { state: 'open', since: 10_000, retryAt: 11_200 });
  assert.equal(admit(second.breaker, 10_500, WINDOW).allowed, false);
  assert.equal(admit(second.breaker, 11_199, WINDOW).allowed, false);
});

test('once the window has passed one probe goes; the others wait for its outcome', () => {
  const open: CircuitBreaker = { state: 'open', since: 0, retryAt: 1000 };
  const probe = admit(open, 1000, WINDOW);
  assert.equal(probe.allowed, true);
  assert.deepEqual(probe.breaker, { state: 'half-open', since: 0, probedAt: 1000 });
  assert.equal(admit(probe.breaker, 1001, WINDOW).allowed, false);
  assert.equal(admit(probe.breaker, 1999, WINDOW).allowed, false);
  // A probe that never settles does not hold the breaker half-open for ever.
  const another = admit(probe.breaker, 2000, WINDOW);
  assert.equal(another.allowed, true);
  assert.deepEqual(another.breaker, { state: 'half-open', since: 0, probedAt: 2000 });
});

test('a probe that succeeds closes it and says how long the service was away; one that fails opens it again, untold', () => {
  const halfOpen: CircuitBreaker = { state: 'half-open', since: 3000, probedAt: 13_000 };
  assert.deepEqual(succeeded(halfOpen, 13_002), { breaker: CLOSED, recovered: { downMs: 10_002 } });
  const again = failed(halfOpen, 13_400, WINDOW);
  assert.equal(again.opened, false);
  assert.deepEqual(again.breaker, { state: 'open', since: 3000, retryAt: 14_400 });
});

test('a late answer to a call made before the breaker opened does not close it: the probe decides', () => {
  const open: CircuitBreaker = { state: 'open', since: 0, retryAt: 1000 };
  assert.deepEqual(succeeded(open, 500), { breaker: open, recovered: null });
});
