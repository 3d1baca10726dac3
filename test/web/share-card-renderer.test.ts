import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ShareCardRenderer, shareCardsDrawn } from '../../src/web/share-card-renderer.ts';
import { renderShareImage, type ShareCardText } from '../../src/web/share-image.tsx';

const card = (n: number): ShareCardText => ({ target: 'Riverside Council', title: `Keep branch library number ${n} open on Sundays`, kind: 'petition', count: n });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Holds the main thread for `ms`: nothing else on it runs meanwhile, timers, messages and I/O included. */
function holdMainThread(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** One card's cost on this machine now, drawn on the main thread (warm: fonts and satori loaded). */
async function mainThreadCardMs(): Promise<number> {
  await renderShareImage(card(0));
  const times: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const start = performance.now();
    await renderShareImage(card(i));
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[1]!;
}

describe('share card renderer', () => {
  const renderers: ShareCardRenderer[] = [];
  const renderer = (options: ConstructorParameters<typeof ShareCardRenderer>[0]) => {
    const r = new ShareCardRenderer(options);
    renderers.push(r);
    return r;
  };
  after(async () => {
    for (const r of renderers) await r.close();
  });

  test('cards are drawn on another thread: they are ready while the main thread is held', async () => {
    const cardMs = await mainThreadCardMs();
    const threads = renderer({ threads: 1, queue: 8 });
    const warm = await threads.render(card(100));
    assert.deepEqual(warm?.subarray(0, 8), PNG_SIGNATURE);

    const drawnBefore = shareCardsDrawn();
    const cards = [1, 2, 3, 4, 5, 6].map((n) => threads.render(card(200 + n)));
    // Long enough for the thread to draw all six several times over, even on a busy machine.
    holdMainThread(Math.max(1500, cards.length * cardMs * 8));
    const released = performance.now();
    const pngs = await Promise.all(cards);
    const waitedMs = performance.now() - released;
    for (const png of pngs) assert.deepEqual(png?.subarray(0, 8), PNG_SIGNATURE);
    assert.equal(shareCardsDrawn() - drawnBefore, 6);
    // Drawn on the main thread, the six would take ~6 × cardMs after it is let go; drawn elsewhere, they are waiting.
    assert.ok(waitedMs < cards.length * cardMs * 0.5, `waited ${waitedMs.toFixed(1)} ms after the main thread was let go (one card: ${cardMs.toFixed(1)} ms)`);
  });

  test('past the queue a card is refused at once, and taken again once the queue has room', async () => {
    const threads = renderer({ threads: 1, queue: 2 });
    const taken = [threads.render(card(1)), threads.render(card(2)), threads.render(card(3))];
    assert.ok(taken.every((p) => p instanceof Promise));
    assert.equal(threads.queued, 2); // one drawing, two waiting
    assert.equal(threads.render(card(4)), undefined);
    await Promise.all(taken);
    assert.equal(threads.queued, 0);
    const again = threads.render(card(5));
    assert.ok(again instanceof Promise);
    assert.deepEqual((await again).subarray(0, 8), PNG_SIGNATURE);
  });

  test('two threads draw two cards at once', async () => {
    const threads = renderer({ threads: 2, queue: 0 });
    const first = threads.render(card(1));
    const second = threads.render(card(2));
    assert.ok(first instanceof Promise && second instanceof Promise);
    assert.equal(threads.render(card(3)), undefined);
    await Promise.all([first, second]);
  });

  test('a thread that draws nothing for too long is ended, failing its card; the cards waiting there get a new thread', async () => {
    const threads = renderer({ threads: 1, queue: 1, timeoutMs: 1 });
    const first = threads.render(card(1));
    const second = threads.render(card(2)); // waits behind the first
    await assert.rejects(first!, /took longer than 1 ms/);
    assert.equal(threads.queued, 0); // the second was sent on, to a new thread, which is drawing it
    await assert.rejects(second!, /took longer than 1 ms/);
  });

  test('closing fails the cards still waiting and refuses new ones', async () => {
    const threads = renderer({ threads: 1, queue: 4 });
    const settled = Promise.allSettled([threads.render(card(1))!, threads.render(card(2))!]);
    await threads.close();
    const [drawing, waiting] = await settled;
    assert.equal(drawing?.status, 'rejected');
    assert.match(String(waiting?.status === 'rejected' && waiting.reason), /closed/);
    assert.equal(threads.render(card(3)), undefined);
  });
});
