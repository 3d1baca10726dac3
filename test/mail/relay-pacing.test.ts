import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RelayCircuit, TokenBucket } from '../../src/mail/relay-pacing.ts';

test('the relay quota is kept to within a tenth of a second of mail over a minute', () => {
  const bucket = new TokenBucket(50, 0);
  let sent = 0;
  // A sender that asks every millisecond, for a minute.
  for (let t = 0; t <= 60_000; t++) while (bucket.take(t)) sent++;
  assert.ok(sent >= 50 * 60 && sent <= 50 * 60 + 5, `sent ${sent}`);
  assert.equal(bucket.msUntilNext(60_000), 20);
});

test('leasing under a quota is limited to what the next moments can pay for', () => {
  const bucket = new TokenBucket(10, 0);
  assert.equal(bucket.affordable(0, 500), 6);
  while (bucket.take(0));
  assert.equal(bucket.affordable(0, 500), 5);
});

test('a failing relay pauses delivery, is probed by one message, and is back at full speed after a success', () => {
  const relay = new RelayCircuit();
  assert.equal(relay.slots(0, 64), 64);
  assert.deepEqual(relay.failed(0), { wentDown: true, pauseMs: 1000 });
  assert.equal(relay.failed(5), null, 'the other messages in flight that fail with it do not count again');
  assert.equal(relay.slots(500, 64), 0);
  assert.equal(relay.msUntilProbe(500), 500);
  assert.equal(relay.slots(1000, 64), 1, 'one message probes');
  assert.deepEqual(relay.failed(1100), { wentDown: false, pauseMs: 2000 });
  assert.equal(relay.slots(3000, 64), 0);
  assert.equal(relay.slots(3100, 64), 1);
  assert.deepEqual(relay.succeeded(3200), { downForMs: 3200 });
  assert.equal(relay.slots(3200, 64), 64);
  assert.equal(relay.succeeded(3300), null);
});
