import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, testEngines, type TestStore } from '../support/engines.ts';
import { openPetition, pendingPetition, petitionInput } from '../support/builders.ts';
import { hashSecret } from '../../src/services/tokens.ts';

const now = new Date('2026-11-28T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

for (const { engine, skip, create } of await testEngines()) {
  describe(`slugs and unverified starts in the store on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let opened: TestStore;
    let store: Store;
    before(async () => {
      opened = await openTestStore(create);
      store = opened.store;
    });
    after(() => opened?.close());

    test('an insert at a taken slug writes nothing and says so; a free one is written', async () => {
      await openPetition(store, { slug: 'taken', title: 'First' });
      assert.equal(await store.createPetitionIfSlugFree(petitionInput({ slug: 'taken', title: 'Second' })), undefined);
      assert.equal((await store.findPetitionBySlug('taken'))!.title, 'First');
      assert.equal((await store.createPetitionIfSlugFree(petitionInput({ slug: 'taken-abcde', title: 'Second' })))!.slug, 'taken-abcde');
      const campaign = { kind: 'petition' as const, title: 'C', body: 'B', why: 'W', categoryId: null, goal: 10, lockedFields: [], createdBy: null, createdAt: now };
      assert.equal((await store.createCampaignIfSlugFree({ ...campaign, slug: 'c' }))!.slug, 'c');
      assert.equal(await store.createCampaignIfSlugFree({ ...campaign, slug: 'c', title: 'Other' }), undefined);
    });

    test('a move to a taken slug is refused without spoiling the transaction it is in', async () => {
      const p = await pendingPetition(store, { slug: 'unverified_a' });
      await openPetition(store, { slug: 'wanted' });
      const slug = await store.transaction(async (tx) => {
        assert.equal(await tx.movePetitionToSlugIfFree(p.id, 'wanted'), false);
        assert.equal(await tx.movePetitionToSlugIfFree(p.id, 'wanted-12345'), true);
        return (await tx.findPetitionById(p.id))!.slug;
      });
      assert.equal(slug, 'wanted-12345');
      assert.equal((await store.findPetitionById(p.id))!.slug, 'wanted-12345', 'committed');
    });

    test('two confirmations racing for one slug: the later is refused and its transaction still commits', async () => {
      const a = await pendingPetition(store, { slug: 'unverified_race_a' });
      const b = await pendingPetition(store, { slug: 'unverified_race_b' });
      let moved!: () => void;
      const aMoved = new Promise<void>((resolve) => (moved = resolve));
      let commit!: () => void;
      const gate = new Promise<void>((resolve) => (commit = resolve));
      const first = store.transaction(async (tx) => {
        await tx.movePetitionToSlugIfFree(a.id, 'contested');
        moved();
        await gate; // holds 'contested' uncommitted while the second transaction tries it
      });
      await aMoved;
      const second = store.transaction(async (tx) => {
        const got = await tx.movePetitionToSlugIfFree(b.id, 'contested');
        await tx.movePetitionToSlugIfFree(b.id, 'contested-12345');
        return got;
      });
      setTimeout(commit, 200);
      await first;
      assert.equal(await second, false);
      assert.equal((await store.findPetitionById(a.id))!.slug, 'contested');
      assert.equal((await store.findPetitionById(b.id))!.slug, 'contested-12345');
    });

    test('the purge takes unverified pending petitions older than the cut-off, with their links and edits, and no others', async () => {
      const stranger = await store.upsertUser({ email: 'stranger@example.org', role: 'organiser', passwordHash: null, now: hoursAgo(30) });
      const organiser = await store.upsertUser({ email: 'organiser@example.org', role: 'organiser', passwordHash: null, now: hoursAgo(30) });
      const old = await pendingPetition(store, { slug: 'unverified_old', createdBy: stranger.id, createdAt: hoursAgo(25), verifiedAt: null });
      const edited = await pendingPetition(store, { slug: 'unverified_edited', createdBy: organiser.id, createdAt: hoursAgo(25), verifiedAt: null });
      const young = await pendingPetition(store, { slug: 'unverified_young', createdBy: organiser.id, createdAt: hoursAgo(23), verifiedAt: null });
      const reviewed = await pendingPetition(store, { slug: 'waiting-for-review', createdBy: organiser.id, createdAt: hoursAgo(25) });
      await store.createLoginToken({ userId: stranger.id, tokenHash: hashSecret('old-link'), purpose: 'verify-petition', petitionId: old.id, now: hoursAgo(25), expiresAt: hoursAgo(1) });
      // This organiser once followed a link: their address is proved, so the account stays.
      await store.createLoginToken({ userId: organiser.id, tokenHash: hashSecret('used'), purpose: 'sign-in', petitionId: null, now: hoursAgo(26), expiresAt: hoursAgo(25) });
      await store.consumeLoginToken(hashSecret('used'), hoursAgo(25.5));
      await store.changePetitionFields(edited.id, { title: 'Reworded' }, [{ petitionId: edited.id, userId: organiser.id, field: 'title', before: edited.title, after: 'Reworded', createdAt: hoursAgo(24.5), underTypoRule: false }]);

      assert.deepEqual(await store.purgeUnverifiedPetitions(hoursAgo(24), 500), { petitions: 2, organisers: 1 });
      assert.equal(await store.findPetitionById(old.id), undefined);
      assert.equal(await store.findPetitionById(edited.id), undefined);
      assert.ok(await store.findPetitionById(young.id), 'younger than the cut-off');
      assert.ok(await store.findPetitionById(reviewed.id), 'verified, waiting for a moderator');
      assert.equal(await store.findUserByEmail('stranger@example.org'), undefined);
      assert.ok(await store.findUserByEmail('organiser@example.org'));
      assert.deepEqual(await store.purgeUnverifiedPetitions(hoursAgo(24), 500), { petitions: 0, organisers: 0 }, 'idempotent');
    });

    test('the purge goes a chunk at a time', async () => {
      for (let i = 0; i < 3; i++) await pendingPetition(store, { slug: `unverified_chunk_${i}`, createdAt: hoursAgo(48), verifiedAt: null });
      assert.equal((await store.purgeUnverifiedPetitions(hoursAgo(24), 2)).petitions, 2);
      assert.equal((await store.purgeUnverifiedPetitions(hoursAgo(24), 2)).petitions, 1);
    });
  });
}
