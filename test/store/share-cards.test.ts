import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, testEngines, type TestStore } from '../support/engines.ts';
import { openPetition } from '../support/builders.ts';

const at = (seconds: number): Date => new Date(Date.UTC(2026, 10, 28, 12, 0, seconds));

for (const { engine, skip, create } of await testEngines()) {
  describe(`kept share cards on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let opened: TestStore;
    let store: Store;

    before(async () => {
      opened = await openTestStore(create);
      store = opened.store;
    });
    after(() => opened?.close());

    test('a card round-trips byte for byte, one per petition, the later drawing kept', async () => {
      const p = await openPetition(store);
      const other = await openPetition(store);
      assert.equal(await store.findShareCard(p.id), undefined);
      // Every byte value, and a card's size: a PNG is binary, not text.
      const png = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(60_000)]);
      await store.saveShareCard(p.id, { wordsKey: 'k1', count: 5, drawnAt: at(0), png });
      assert.deepEqual(await store.findShareCard(p.id), { wordsKey: 'k1', count: 5, drawnAt: at(0), png });
      assert.equal(await store.findShareCard(other.id), undefined);

      await store.saveShareCard(p.id, { wordsKey: 'k2', count: 6, drawnAt: at(30), png: Buffer.from('newer') });
      // A card drawn earlier (by a slower process) does not replace a later one.
      await store.saveShareCard(p.id, { wordsKey: 'k1', count: 5, drawnAt: at(10), png: Buffer.from('older') });
      assert.deepEqual(await store.findShareCard(p.id), { wordsKey: 'k2', count: 6, drawnAt: at(30), png: Buffer.from('newer') });
    });
  });
}
