import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShareImageCache } from '../../src/web/share-image-cache.ts';
import { shareCountText, type ShareCardText } from '../../src/web/share-image.tsx';

const card = (count: number, title = 'Keep the library open'): ShareCardText => ({ target: 'The Council', title, kind: 'petition', count });
const at = (seconds: number): Date => new Date(Date.UTC(2026, 10, 28, 12, 0, seconds));

/** A cache whose drawings are counted and can be made to fail. */
function countingCache(options: { maxEntries?: number; fail?: boolean } = {}) {
  const drawn: ShareCardText[] = [];
  let fail = options.fail ?? false;
  const cache = new ShareImageCache({
    maxEntries: options.maxEntries ?? 10,
    freshMs: 30_000,
    render: async (c) => {
      drawn.push(c);
      if (fail) throw new Error('render failed');
      return Buffer.from(`${c.title}:${c.count}`);
    },
  });
  return { cache, drawn, succeed: () => (fail = false) };
}

describe('share card words', () => {
  test('the count reads as signatures or pledges, singular for one', () => {
    assert.equal(shareCountText('petition', 0), '0 signatures');
    assert.equal(shareCountText('petition', 1), '1 signature');
    assert.equal(shareCountText('petition', 12345), '12,345 signatures');
    assert.equal(shareCountText('pledge', 1), '1 pledge');
    assert.equal(shareCountText('pledge', 2500), '2,500 pledges');
  });
});

describe('share image cache', () => {
  test('requests at the same time share one drawing', async () => {
    const { cache, drawn } = countingCache();
    const [a, b] = await Promise.all([cache.png('p', card(5), at(0)), cache.png('p', card(5), at(0))]);
    assert.equal(a, b);
    assert.equal(drawn.length, 1);
  });

  test('a new count is drawn only once the last drawing is 30 s old; the same count never again', async () => {
    const { cache, drawn } = countingCache();
    await cache.png('p', card(5), at(0));
    assert.equal(String(await cache.png('p', card(6), at(29))), 'Keep the library open:5');
    assert.equal(String(await cache.png('p', card(6), at(30))), 'Keep the library open:6');
    assert.equal(String(await cache.png('p', card(6), at(3000))), 'Keep the library open:6');
    assert.equal(drawn.length, 2);
  });

  test('an edited title is redrawn like a new count', async () => {
    const { cache } = countingCache();
    await cache.png('p', card(5), at(0));
    assert.equal(String(await cache.png('p', card(5, 'Keep the library open on Sundays'), at(31))), 'Keep the library open on Sundays:5');
  });

  test('it keeps at most maxEntries petitions, dropping the least recently asked for', async () => {
    const { cache, drawn } = countingCache({ maxEntries: 2 });
    await cache.png('a', card(1), at(0));
    await cache.png('b', card(1), at(0));
    await cache.png('a', card(1), at(1)); // a is now the most recent
    await cache.png('c', card(1), at(2)); // so b goes
    assert.equal(cache.size, 2);
    await cache.png('a', card(1), at(3));
    assert.equal(drawn.length, 3);
    await cache.png('b', card(1), at(4));
    assert.equal(drawn.length, 4);
  });

  test('a failed drawing is not kept: the next request draws again', async () => {
    const { cache, drawn, succeed } = countingCache({ fail: true });
    await assert.rejects(cache.png('p', card(1), at(0)), /render failed/);
    assert.equal(cache.size, 0);
    succeed();
    assert.equal(String(await cache.png('p', card(1), at(1))), 'Keep the library open:1');
    assert.equal(drawn.length, 2);
  });
});
