import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterMailFailure, bulkShare, laneOf, MAX_MAIL_ATTEMPTS, relayPauseMs, retryDelayMs } from '../../src/domain/outbox.ts';

const now = new Date('2026-11-28T12:00:00Z');

test('a message refused for now is retried with growing delays, capped at an hour', () => {
  assert.equal(retryDelayMs(1), 30_000);
  assert.equal(retryDelayMs(2), 60_000);
  assert.equal(retryDelayMs(3), 120_000);
  assert.equal(retryDelayMs(20), 3_600_000);
  assert.deepEqual(afterMailFailure(1, 450, now), { kind: 'retry', at: new Date('2026-11-28T12:00:30Z') });
  assert.deepEqual(afterMailFailure(2, undefined, now), { kind: 'retry', at: new Date('2026-11-28T12:01:00Z') });
});

test('permanent refusals (SMTP 5xx) and exhausted retries are given up, each with its reason', () => {
  assert.deepEqual(afterMailFailure(1, 550, now), { kind: 'give-up', reason: 'refused' });
  assert.deepEqual(afterMailFailure(MAX_MAIL_ATTEMPTS, 451, now), { kind: 'give-up', reason: 'attempts' });
});

test('a relay that cannot take mail is the relay’s failure, not the message’s: no try is used up', () => {
  assert.deepEqual(afterMailFailure(1, undefined, now, 'relay'), { kind: 'relay-down' });
  // A bad password (535) must not drop every message as if each were refused.
  assert.deepEqual(afterMailFailure(MAX_MAIL_ATTEMPTS, 535, now, 'relay'), { kind: 'relay-down' });
  assert.deepEqual(afterMailFailure(1, 421, now, 'message'), { kind: 'relay-down' }, '421 closes the session whatever the command');
});

test('the relay is left alone for a second, doubling to a minute while it keeps failing', () => {
  assert.deepEqual([1, 2, 3, 4, 7, 20].map(relayPauseMs), [1000, 2000, 4000, 8000, 60_000, 60_000]);
});

test('confirmation and sign-in mail go in the priority lane, updates to many signers in bulk', () => {
  assert.deepEqual(['confirm-signature', 'already-signed', 'sign-in', 'verify-petition', 'petition-hidden'].map(laneOf), Array(5).fill('priority'));
  assert.deepEqual(['petition-update', 'petition-victory'].map(laneOf), ['bulk', 'bulk']);
});

test('bulk mail keeps a tenth of delivery, carried over between small claims', () => {
  assert.deepEqual(bulkShare(64, 0).bulkAtLeast, 6);
  let credit = 0;
  let bulk = 0;
  for (let i = 0; i < 100; i++) {
    const share = bulkShare(3, credit);
    credit = share.credit;
    bulk += share.bulkAtLeast;
  }
  assert.equal(bulk, 30, 'a tenth of 300 slots, even when each claim is of three');
  assert.equal(bulkShare(0, 0.5).bulkAtLeast, 0);
});
