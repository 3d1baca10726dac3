import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TtlCache } from '../../src/services/ttl-cache.ts';

const away = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const isAway = (e: unknown) => e === away;
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('while loading fails with an accepted error, the last value is answered with its age', async () => {
  const cache = new TtlCache<string>(10);
  assert.deepEqual(await cache.getOrLast('k', async () => 'v1', isAway), { value: 'v1', staleMs: null });
  await tick(20);
  const stale = await cache.getOrLast('k', async () => Promise.reject(away), isAway);
  assert.equal(stale.value, 'v1');
  assert.ok(stale.staleMs !== null && stale.staleMs >= 10);
  // Once loading works again the answer is fresh.
  assert.deepEqual(await cache.getOrLast('k', async () => 'v2', isAway), { value: 'v2', staleMs: null });
});

test('other errors, or nothing loaded before, are not hidden', async () => {
  const cache = new TtlCache<string>(10);
  await assert.rejects(cache.getOrLast('never', async () => Promise.reject(away), isAway));
  await cache.getOrLast('k', async () => 'v1', isAway);
  await tick(20);
  const bug = new Error('a query that is wrong');
  await assert.rejects(cache.getOrLast('k', async () => Promise.reject(bug), isAway), bug);
});

test('a forgotten entry is not served stale: a petition just hidden must not come back', async () => {
  const cache = new TtlCache<string>(10);
  await cache.getOrLast('a', async () => 'page a', isAway);
  await cache.getOrLast('b', async () => 'page b', isAway);
  cache.delete('a');
  await assert.rejects(cache.getOrLast('a', async () => Promise.reject(away), isAway));
  cache.clear();
  await assert.rejects(cache.getOrLast('b', async () => Promise.reject(away), isAway));
});
