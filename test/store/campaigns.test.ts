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

    test('the total sums public local petitions; hidden and pending ones are left out; the list shows listed ones, most signed first', async () => {
      const c = await store.createCampaign({ slug: 'bike-lanes', kind: 'petition', title: 'Bike Lanes', body: 'B', why: 'W', categoryId: null, goal: 100, lockedFields: [], createdBy: null, createdAt: now });
      const leeds = await openPetition(store, { slug: 'bike-lanes-leeds', campaignId: c.id, goal: 50 });
      const york = await openPetition(store, { slug: 'bike-lanes-york', campaignId: c.id, goal: 100 });
      const closed = await openPetition(store, { slug: 'bike-lanes-derby', campaignId: c.id, goal: 10 });
      const unlisted = await openPetition(store, { slug: 'bike-lanes-hull', campaignId: c.id, listed: false, goal: 25 });
      const hidden = await openPetition(store, { slug: 'bike-lanes-bath', campaignId: c.id, goal: 1000 });
      await pendingPetition(store, { slug: 'bike-lanes-ely', campaignId: c.id, goal: 1000 });
      const elsewhere = await openPetition(store, { slug: 'not-in-campaign' });
      const sign = (id: number, n: number, from: number) => store.commitSignatureBatch({ now, signatures: Array.from({ length: n }, (_, i) => signature(id, from + i)), confirmations: [] });
      await sign(leeds.id, 2, 0);
      await sign(york.id, 5, 100);
      await sign(closed.id, 3, 150);
      await sign(unlisted.id, 1, 200);
      await sign(hidden.id, 40, 300);
      await sign(elsewhere.id, 7, 400);
      // A moderator hides one after it was signed, and another closes: the hidden one's signatures leave the total.
      assert.ok((await store.movePetition(hidden.id, 'hidden', now)).ok);
      assert.ok((await store.movePetition(closed.id, 'closed', now)).ok);

      const { petitions, total, goal } = await store.campaignPetitions(c.id);
      assert.deepEqual(petitions.map((p) => [p.slug, p.signatureCount]), [['bike-lanes-york', 5], ['bike-lanes-derby', 3], ['bike-lanes-leeds', 2]]);
      assert.equal(total, 11, 'open, closed and unlisted (awaiting review) ones count; hidden and pending ones do not');
      assert.equal(goal, 185, 'the goals of the same petitions added up');
      assert.deepEqual(petitions[0]!.campaign, { slug: 'bike-lanes', title: 'Bike Lanes' });
    });

    test('the leaderboard breaks ties by age, oldest first; a campaign without local petitions totals zero', async () => {
      const c = await store.createCampaign({ slug: 'quiet-carriages', kind: 'pledge', title: 'Quiet Carriages', body: 'B', why: 'W', categoryId: null, goal: 10, lockedFields: [], createdBy: null, createdAt: now });
      assert.deepEqual(await store.campaignPetitions(c.id), { petitions: [], total: 0, goal: 0 });
      const first = await openPetition(store, { slug: 'quiet-carriages-first', campaignId: c.id });
      const second = await openPetition(store, { slug: 'quiet-carriages-second', campaignId: c.id });
      await store.commitSignatureBatch({ now, signatures: [signature(second.id, 1), signature(first.id, 2)], confirmations: [] });
      assert.deepEqual((await store.campaignPetitions(c.id)).petitions.map((p) => p.slug), ['quiet-carriages-first', 'quiet-carriages-second']);
    });
  });
}
