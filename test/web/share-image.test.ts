import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShareImageCache, shareCardWordsKey } from '../../src/web/share-image-cache.ts';
import { shareCountText, type ShareCardText } from '../../src/web/share-image.tsx';
import type { KeptShareCard } from '../../src/store/share-card-queries.ts';
import type { Take } from '../../src/web/token-buckets.ts';

const card = (count: number, title = 'Keep the library open'): ShareCardText => ({ target: 'The Council', title, kind: 'petition', count });
const at = (seconds: number): Date => new Date(Date.UTC(2026, 10, 28, 12, 0, seconds));

/**
 * A cache whose drawings are counted and can be made to fail or refused (a full queue); kept cards
 * live in a map, standing for the database, which a second cache may share (a restart, another process).
 */
function countingCache(options: { maxEntries?: number; fail?: boolean; kept?: Map<number, KeptShareCard>; allow?: () => Take } = {}) {
  const drawn: ShareCardText[] = [];
  let fail = options.fail ?? false;
  let busy = false;
  const kept = options.kept ?? new Map<number, KeptShareCard>();
  const cache = new ShareImageCache({
    maxEntries: options.maxEntries ?? 10,
    freshMs: 30_000,
    render: (c) => {
      if (busy) return undefined;
      drawn.push(c);
      return fail ? Promise.reject(new Error('render failed')) : Promise.resolve(Buffer.from(`${c.title}:${c.count}`));
    },
    kept: { find: async (id) => kept.get(id), save: async (id, c) => void kept.set(id, c) },
    allowDrawing: options.allow ?? (() => ({ ok: true })),
  });
  const png = async (id: number, c: ShareCardText, now: Date): Promise<string> => {
    const answer = await cache.card(id, c, 'client', now);
    assert.ok('png' in answer, `refused: ${JSON.stringify(answer)}`);
    return String(answer.png);
  };
  return { cache, drawn, kept, png, succeed: () => (fail = false), busy: (b: boolean) => (busy = b) };
}

describe('share card words', () => {
  test('the count reads as signatures or pledges, singular for one', () => {
    assert.equal(shareCountText('petition', 0), '0 signatures');
    assert.equal(shareCountText('petition', 1), '1 signature');
    assert.equal(shareCountText('petition', 12345), '12,345 signatures');
    assert.equal(shareCountText('pledge', 1), '1 pledge');
    assert.equal(shareCountText('pledge', 2500), '2,500 pledges');
  });

  test('the words key changes with the title, target and kind, not with the count', () => {
    assert.equal(shareCardWordsKey(card(1)), shareCardWordsKey(card(99)));
    assert.notEqual(shareCardWordsKey(card(1)), shareCardWordsKey(card(1, 'Keep the library open!')));
    assert.notEqual(shareCardWordsKey(card(1)), shareCardWordsKey({ ...card(1), target: 'The Mayor' }));
    assert.notEqual(shareCardWordsKey(card(1)), shareCardWordsKey({ ...card(1), kind: 'pledge' }));
  });
});

describe('share image cache', () => {
  test('requests at the same time share one drawing', async () => {
    const { png, drawn } = countingCache();
    const [a, b] = await Promise.all([png(1, card(5), at(0)), png(1, card(5), at(0))]);
    assert.equal(a, b);
    assert.equal(drawn.length, 1);
  });

  test('a new count is drawn only once the last drawing is 30 s old; the same count never again', async () => {
    const { png, drawn } = countingCache();
    await png(1, card(5), at(0));
    assert.equal(await png(1, card(6), at(29)), 'Keep the library open:5');
    assert.equal(await png(1, card(6), at(30)), 'Keep the library open:6');
    assert.equal(await png(1, card(6), at(3000)), 'Keep the library open:6');
    assert.equal(drawn.length, 2);
  });

  test('an edited title is drawn at once, without waiting out the 30 s', async () => {
    const { png, drawn } = countingCache();
    await png(1, card(5), at(0));
    assert.equal(await png(1, card(5, 'Keep the library open on Sundays'), at(1)), 'Keep the library open on Sundays:5');
    assert.equal(drawn.length, 2);
  });

  test('a drawn card is kept, and a second cache on the same store (a restart) answers it without drawing', async () => {
    const first = countingCache();
    await first.png(1, card(5), at(0));
    assert.deepEqual([...first.kept.keys()], [1]);
    assert.equal(first.kept.get(1)?.count, 5);
    const second = countingCache({ kept: first.kept });
    assert.equal(await second.png(1, card(5), at(3600)), 'Keep the library open:5');
    // Within 30 s of its drawing, a kept card stands for a newer count there too.
    assert.equal(await second.png(1, card(7), at(10)), 'Keep the library open:5');
    assert.equal(second.drawn.length, 0);
    // New words are never answered from the kept card.
    assert.equal(await second.png(1, card(5, 'Reopen the library'), at(3600)), 'Reopen the library:5');
    assert.equal(second.drawn.length, 1);
    assert.equal(first.kept.get(1)?.wordsKey, shareCardWordsKey(card(5, 'Reopen the library')));
  });

  test('it keeps at most maxEntries petitions in memory, dropping the least recently asked for', async () => {
    const { png, cache, drawn, kept } = countingCache({ maxEntries: 2 });
    await png(1, card(1), at(0));
    await png(2, card(1), at(0));
    await png(1, card(1), at(1)); // 1 is now the most recent
    await png(3, card(1), at(2)); // so 2 goes
    assert.equal(cache.size, 2);
    kept.clear(); // what is in memory now answers without the store
    await png(1, card(1), at(3));
    assert.equal(drawn.length, 3);
    await png(2, card(1), at(4));
    assert.equal(drawn.length, 4);
  });

  test('a failed drawing is not kept: the next request draws again', async () => {
    const { cache, png, drawn, kept, succeed } = countingCache({ fail: true });
    await assert.rejects(cache.card(1, card(1), 'client', at(0)), /render failed/);
    assert.equal(cache.size, 0);
    assert.equal(kept.size, 0);
    succeed();
    assert.equal(await png(1, card(1), at(1)), 'Keep the library open:1');
    assert.equal(drawn.length, 2);
  });

  test('a full queue is answered busy at once, or with the same words at an older count when there is one', async () => {
    const { cache, png, busy } = countingCache();
    busy(true);
    assert.deepEqual(await cache.card(1, card(1), 'client', at(0)), { refused: 'busy' });
    busy(false);
    await png(1, card(1), at(0));
    busy(true);
    assert.deepEqual(await cache.card(1, card(2), 'client', at(60)), { png: Buffer.from('Keep the library open:1'), current: false });
    // Never a card with other words.
    assert.deepEqual(await cache.card(1, card(2, 'Reopen the library'), 'client', at(60)), { refused: 'busy' });
  });

  test('only drawings ask the allowance; cards already drawn are answered however often', async () => {
    const asked: string[] = [];
    let left = 1;
    const { cache, png } = countingCache({
      allow: () => {
        asked.push('draw');
        return left-- > 0 ? { ok: true } : { ok: false, retryAfterSeconds: 3 };
      },
    });
    await png(1, card(1), at(0));
    for (let i = 0; i < 20; i++) await png(1, card(1), at(1));
    assert.equal(asked.length, 1);
    assert.deepEqual(await cache.card(2, card(1), 'client', at(2)), { refused: 'limited', retryAfterSeconds: 3 });
    assert.deepEqual(await cache.card(1, card(9), 'client', at(60)), { png: Buffer.from('Keep the library open:1'), current: false });
    assert.equal(asked.length, 3);
  });

  test('a drawing the queue refuses is given back to the client', async () => {
    const givenBack: string[] = [];
    const refusing = new ShareImageCache({
      maxEntries: 10, freshMs: 30_000, render: () => undefined,
      kept: { find: async () => undefined, save: async () => {} },
      allowDrawing: () => ({ ok: true }),
      drawingRefused: (client) => givenBack.push(client),
    });
    assert.deepEqual(await refusing.card(1, card(1), 'a client', at(0)), { refused: 'busy' });
    assert.deepEqual(givenBack, ['a client']);
  });
});
