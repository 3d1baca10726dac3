import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBuckets } from '../../src/web/token-buckets.ts';

const at = (ms: number): Date => new Date(Date.UTC(2026, 10, 28, 12, 0, 0) + ms);

describe('token buckets', () => {
  test('a key spends its tokens, is refused with the wait for the next, and gets them back over time', () => {
    const buckets = new TokenBuckets({ tokens: 3, perMs: 60_000, maxKeys: 10 });
    for (let i = 0; i < 3; i++) assert.deepEqual(buckets.take('a', at(0)), { ok: true });
    assert.deepEqual(buckets.take('a', at(0)), { ok: false, retryAfterSeconds: 20 });
    assert.deepEqual(buckets.take('a', at(15_000)), { ok: false, retryAfterSeconds: 5 });
    assert.deepEqual(buckets.take('a', at(20_000)), { ok: true });
    assert.deepEqual(buckets.take('a', at(20_000)), { ok: false, retryAfterSeconds: 20 });
    // Another key has its own.
    assert.deepEqual(buckets.take('b', at(20_000)), { ok: true });
    // A long wait fills a bucket, never past full.
    for (let i = 0; i < 3; i++) assert.deepEqual(buckets.take('a', at(3_600_000)), { ok: true });
    assert.equal(buckets.take('a', at(3_600_000)).ok, false);
  });

  test('a token given back may be spent again, never past full', () => {
    const buckets = new TokenBuckets({ tokens: 2, perMs: 60_000, maxKeys: 10 });
    buckets.take('a', at(0));
    buckets.take('a', at(0));
    assert.equal(buckets.take('a', at(0)).ok, false);
    buckets.giveBack('a');
    assert.equal(buckets.take('a', at(0)).ok, true);
    buckets.giveBack('a');
    buckets.giveBack('a');
    buckets.giveBack('a');
    assert.equal(buckets.take('a', at(0)).ok, true);
    assert.equal(buckets.take('a', at(0)).ok, true);
    assert.equal(buckets.take('a', at(0)).ok, false);
    buckets.giveBack('unknown'); // nothing to give back to
    assert.equal(buckets.size, 1);
  });

  test('it remembers at most maxKeys keys, forgetting the least recently seen', () => {
    const buckets = new TokenBuckets({ tokens: 1, perMs: 60_000, maxKeys: 2 });
    buckets.take('a', at(0));
    buckets.take('b', at(0));
    buckets.take('a', at(1)); // refused, but seen: b is now the oldest
    buckets.take('c', at(2));
    assert.equal(buckets.size, 2);
    assert.equal(buckets.take('a', at(3)).ok, false);
    assert.equal(buckets.take('b', at(3)).ok, true); // forgotten, so full again
  });
});
