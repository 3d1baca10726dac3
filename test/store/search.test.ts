import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import type { PetitionSearch } from '../../src/store/search-queries.ts';
import { searchTerms } from '../../src/domain/search-terms.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';

const now = new Date('2026-11-28T12:00:00.000Z');
const search = (o: Partial<PetitionSearch> & { q?: string }): PetitionSearch => ({
  terms: searchTerms(o.q ?? ''), category: null, campaign: null, near: null, sort: 'recent', limit: 50, cursor: null, trendingSince: new Date(now.getTime() - 86_400_000), ...o,
});

// The same fixture on both engines; every expectation is the same list of slugs on each.
for (const { engine, skip, create } of await testEngines()) {
  describe(`search on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let db: TestDatabase;
    let store: Store;
    const slugs = async (s: PetitionSearch) => (await store.searchPetitions(s)).hits.map((h) => h.slug);

    before(async () => {
      db = await create();
      store = await openStore(openEngine(db.url));
      await store.ensureCategories([{ slug: 'transport', name: 'Transport' }, { slug: 'education', name: 'Education' }]);
      const transport = (await store.findCategory('transport'))!.id;
      const education = (await store.findCategory('education'))!.id;
      const campaign = await store.createCampaign({ slug: 'libraries', kind: 'petition', title: 'Libraries', body: 'b', why: 'w', categoryId: null, goal: 100, lockedFields: [], createdBy: null, createdAt: now });
      const fixtures = [
        { slug: 'night-buses-leeds', title: 'Bring back night buses', target: 'West Yorkshire Combined Authority', body: 'Night buses for shift workers.', why: 'Nurses finish late.', categoryId: transport, location: { name: 'Leeds, UK', lat: 53.8, lon: -1.55 } },
        { slug: 'cycle-lanes-york', title: 'Protected cycle lanes', target: 'City of York Council', body: 'Separate bikes from buses.', why: 'Safety.', categoryId: transport, location: { name: 'York, UK', lat: 53.96, lon: -1.08 } },
        { slug: 'library-hours-cambridge', title: 'Open the library at night', target: 'University of Cambridge', body: 'Twenty-four hour library during exams.', why: 'Crowded houses.', categoryId: education, campaignId: campaign.id, location: { name: 'Cambridge, UK', lat: 52.2, lon: 0.12 } },
        { slug: 'café-culture', title: 'Save the Café on Mill Road', target: 'Landlord', body: 'Don’t evict the café.', why: 'Community.', categoryId: null, location: null },
        { slug: 'hidden-one', title: 'Night buses hidden', target: 'Nobody', body: 'x', why: 'y', categoryId: transport, location: null, state: 'hidden' as const },
        { slug: 'unlisted-one', title: 'Night buses unlisted', target: 'Nobody', body: 'x', why: 'y', categoryId: transport, location: null, listed: false },
      ];
      for (const [i, f] of fixtures.entries()) await openPetition(store, { ...f, createdAt: new Date(now.getTime() - (10 - i) * 3600_000) });
      const ids = Object.fromEntries(await Promise.all(fixtures.map(async (f) => [f.slug, (await store.findPetitionBySlug(f.slug))!.id])));
      const sign = (slug: string, n: number, from: number, at: Date) => store.commitSignatureBatch({ now: at, signatures: Array.from({ length: n }, (_, k) => signature(ids[slug], from + k)), confirmations: [] });
      await sign('cycle-lanes-york', 9, 0, new Date(now.getTime() - 3 * 86_400_000)); // popular, but long ago
      await sign('night-buses-leeds', 4, 100, new Date(now.getTime() - 3600_000)); // trending
      await sign('library-hours-cambridge', 6, 200, new Date(now.getTime() - 2 * 86_400_000));
    });
    after(async () => {
      await store?.close();
      await db?.drop();
    });

    test('words match title, target and text, as prefixes, all of them; hidden and unlisted never show', async () => {
      assert.deepEqual(await slugs(search({ q: 'night' })), ['library-hours-cambridge', 'night-buses-leeds']);
      assert.deepEqual(await slugs(search({ q: 'NIGHT bus' })), ['night-buses-leeds']);
      assert.deepEqual(await slugs(search({ q: 'york council' })), ['cycle-lanes-york']);
      assert.deepEqual(await slugs(search({ q: 'nurses' })), ['night-buses-leeds'], 'the "why" is searched too');
      assert.deepEqual(await slugs(search({ q: 'café' })), ['café-culture']);
      assert.deepEqual(await slugs(search({ q: 'zebra' })), []);
    });

    test('hostile input is only words: quotes, operators, SQL, markup and length never break a search', async () => {
      for (const q of ['"night', 'night AND OR NOT', 'NEAR(night bus)', '*', '-night', "'; drop table petitions; --", '<script>night</script>', 'n'.repeat(2000), '🚌 night', '(((', 'night:*&|!']) {
        const hits = await slugs(search({ q }));
        assert.ok(Array.isArray(hits), q);
      }
      assert.deepEqual(await slugs(search({ q: "'; drop table petitions; --" })), [], 'the words drop, table, petitions match nothing here');
      assert.deepEqual(await slugs(search({ q: '<script>night</script>' })), [], '"script" is a word no petition has');
      assert.ok((await store.countPetitions()) >= 6, 'still there');
    });

    test('filters by category and campaign; sorts by recent, popular and trending', async () => {
      assert.deepEqual(await slugs(search({ category: 'transport' })), ['cycle-lanes-york', 'night-buses-leeds']);
      assert.deepEqual(await slugs(search({ campaign: 'libraries' })), ['library-hours-cambridge']);
      assert.deepEqual(await slugs(search({ category: 'no-such' })), []);
      assert.deepEqual(await slugs(search({})), ['café-culture', 'library-hours-cambridge', 'cycle-lanes-york', 'night-buses-leeds']);
      assert.deepEqual(await slugs(search({ sort: 'popular' })), ['cycle-lanes-york', 'library-hours-cambridge', 'night-buses-leeds', 'café-culture']);
      assert.deepEqual((await slugs(search({ sort: 'trending' }))).slice(0, 1), ['night-buses-leeds'], 'signed in the last 24 hours');
    });

    test('near a place: only those with coordinates, nearest first, with the distance', async () => {
      const { hits } = await store.searchPetitions(search({ near: { lat: 53.95, lon: -1.1 } }));
      assert.deepEqual(hits.map((h) => h.slug), ['cycle-lanes-york', 'night-buses-leeds', 'library-hours-cambridge']);
      assert.ok(hits[0]!.distanceKm! < 5 && hits[1]!.distanceKm! > 30 && hits[1]!.distanceKm! < 60, JSON.stringify(hits.map((h) => h.distanceKm)));
    });

    test('pages cover every result exactly once, for every sort', async () => {
      for (const sort of ['recent', 'popular', 'trending'] as const) {
        for (const near of [null, { lat: 52, lon: 0 }]) {
          const seen: string[] = [];
          let cursor: PetitionSearch['cursor'] = null;
          for (let i = 0; i < 10; i++) {
            const page = await store.searchPetitions(search({ sort, near, limit: 1, cursor }));
            seen.push(...page.hits.map((h) => h.slug));
            if (!page.next) break;
            cursor = page.next;
          }
          const all = await slugs(search({ sort, near }));
          assert.deepEqual(seen, all, `${sort}${near ? ' near' : ''}`);
        }
      }
    });
  });
}
