import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterMailFailure, MAX_MAIL_ATTEMPTS, retryDelayMs } from '../../src/domain/outbox.ts';

const now = new Date('2026-11-28T12:00:00Z');

test('temporary mail failures are retried with growing delays, capped at an hour', () => {
  assert.equal(retryDelayMs(1), 30_000);
  assert.equal(retryDelayMs(2), 60_000);
  assert.equal(retryDelayMs(3), 120_000);
  assert.equal(retryDelayMs(20), 3_600_000);
  assert.deepEqual(afterMailFailure(1, 421, now), { kind: 'retry', at: new Date('2026-11-28T12:00:30Z') });
  assert.deepEqual(afterMailFailure(2, undefined, now), { kind: 'retry', at: new Date('2026-11-28T12:01:00Z') });
});

test('permanent failures (SMTP 5xx) and exhausted retries are given up', () => {
  assert.deepEqual(afterMailFailure(1, 550, now), { kind: 'give-up' });
  assert.deepEqual(afterMailFailure(MAX_MAIL_ATTEMPTS, 451, now), { kind: 'give-up' });
});
