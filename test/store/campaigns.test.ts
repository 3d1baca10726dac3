import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { openPetition, pendingPetition, signature } from '../support/builders.ts';

const now = new Date('2026-11-28T12:00:00.000Z');

for (const { engine, skip, create } of await testEngines()) {
  describe(`campaigns in the store on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let db: TestDatabase;
    let store: Store;
    before(async () => {
      db = await create();
      store = await openStore(openEngine(db.url));
      await store.ensureCategories([{ slug: 'education', name: 'Education' }]);
    });
    after(async () => {
      await store?.close();
      await db?.drop();
    });

    test('a campaign round-trips with its category and locked fields', async () => {
      const education = await store.findCategory('education');
      const created = await store.createCampaign({ slug: 'fair-rents', kind: 'pledge', title: 'Fair Rents', body: 'B', why: 'W', categoryId: education!.id, goal: 250, lockedFields: ['kind', 'goal'], createdBy: null, createdAt: now });
      assert.deepEqual(created, await store.findCampaignBySlug('fair-rents'));
      assert.equal(created.category?.name, 'Education');
      assert.deepEqual(created.lockedFields, ['kind', 'goal']);
      assert.equal(await store.campaignSlugTaken('fair-rents'), true);
      assert.equal(await store.findCampaignBySlug('nope'), undefined);
    });

    test('the total sums public local petitions; the list shows listed ones, most signed first', async () => {
      const c = await store.createCampaign({ slug: 'bike-lanes', kind: 'petition', title: 'Bike Lanes', body: 'B', why: 'W', categoryId: null, goal: 100, lockedFields: [], createdBy: null, createdAt: now });
      const leeds = await openPetition(store, { slug: 'bike-lanes-leeds', campaignId: c.id });
      const york = await openPetition(store, { slug: 'bike-lanes-york', campaignId: c.id });
      const unlisted = await openPetition(store, { slug: 'bike-lanes-hull', campaignId: c.id, listed: false });
      const pending = await pendingPetition(store, { slug: 'bike-lanes-bath', campaignId: c.id });
      await openPetition(store, { slug: 'not-in-campaign' });
      const sign = (id: number, n: number, from: number) => store.commitSignatureBatch({ now, signatures: Array.from({ length: n }, (_, i) => signature(id, from + i)), confirmations: [] });
      await sign(leeds.id, 2, 0);
      await sign(york.id, 5, 100);
      await sign(unlisted.id, 1, 200);
      void pending;
      const { petitions, total } = await store.campaignPetitions(c.id);
      assert.deepEqual(petitions.map((p) => [p.slug, p.signatureCount]), [['bike-lanes-york', 5], ['bike-lanes-leeds', 2]]);
      assert.equal(total, 8, 'an unlisted (awaiting review) petition counts towards the total; a pending one does not exist yet');
      assert.deepEqual(petitions[0]!.campaign, { slug: 'bike-lanes', title: 'Bike Lanes' });
    });
  });
}
