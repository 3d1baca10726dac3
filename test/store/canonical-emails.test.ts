import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { openEngine } from '../../src/store/engine.ts';
import { migrateToLatest, migrateUpTo } from '../../src/store/migrations.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';

// Migration 011 on addresses stored by the code before canonical addresses, on both engines.
for (const { engine, skip, create } of await testEngines()) {
  describe(`canonical addresses for stored rows on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let db: TestDatabase;
    /** The schema as migration 010 left it, before the app's current types. */
    let store: { db: Kysely<any> };
    const at = '2026-11-01T10:00:00.000Z';
    let petitionId: number;
    let otherPetitionId: number;

    const sign = async (petition: number, email: string, state: 'pending' | 'confirmed') =>
      store.db
        .insertInto('signatures')
        .values({ petition_id: petition, email, name: 'Signer', consent: 0, state, token_hash: `t-${Math.random()}`, created_at: at, confirmed_at: state === 'confirmed' ? at : null })
        .execute();
    const rows = (petition: number) =>
      store.db.selectFrom('signatures').select(['email', 'state']).where('petition_id', '=', petition).orderBy('id').execute();
    const count = async (petition: number) =>
      Number((await store.db.selectFrom('petitions').select('signature_count').where('id', '=', petition).executeTakeFirstOrThrow()).signature_count);

    before(async () => {
      db = await create();
      store = openEngine(db.url);
      await migrateUpTo(store.db, '010_mail_delivery');
      const petition = (slug: string, signatureCount: number) =>
        store.db
          .insertInto('petitions')
          .values({ slug, kind: 'petition', title: slug, target: 'Target', body: 'Body', why: 'Why', state: 'open', goal: 100, signature_count: signatureCount, created_at: at, opened_at: at })
          .returning('id')
          .executeTakeFirstOrThrow();
      petitionId = (await petition('one', 7)).id;
      otherPetitionId = (await petition('two', 1)).id;
      // What the old code stored for one inbox typed five ways, and an IDN domain typed two ways.
      await sign(petitionId, 'victim@example.com', 'pending');
      await sign(petitionId, 'victim@example.com\u200b', 'confirmed');
      await sign(petitionId, 'vic\u200btim@example.com', 'confirmed');
      await sign(petitionId, '"victim"@example.com', 'confirmed');
      await sign(petitionId, 'victim@exa\u00admple.com', 'confirmed');
      await sign(petitionId, 'idn@exämple.com', 'confirmed');
      await sign(petitionId, 'idn@xn--exmple-cua.com', 'confirmed');
      await sign(petitionId, 'other@exämple.com', 'confirmed');
      // The same mailbox on another petition is that petition's one signature.
      await sign(otherPetitionId, 'vic\u200btim@example.com', 'confirmed');
      await store.db.insertInto('users').values({ email: 'organiser@exämple.com', role: 'organiser', created_at: at }).execute();
      await store.db.insertInto('users').values({ email: 'taken@xn--exmple-cua.com', role: 'organiser', created_at: at }).execute();
      await store.db.insertInto('users').values({ email: 'taken@exämple.com', role: 'organiser', created_at: at }).execute();
      await migrateToLatest(store.db);
    });
    after(async () => {
      await store?.db.destroy();
      await db?.drop();
    });

    test('one mailbox keeps one signature per petition; the extra ones are invalidated, not deleted', async () => {
      assert.deepEqual(await rows(petitionId), [
        { email: 'victim@example.com', state: 'pending' },
        { email: 'victim@example.com\u200b', state: 'invalidated' },
        { email: 'vic\u200btim@example.com', state: 'invalidated' },
        { email: '"victim"@example.com', state: 'invalidated' },
        { email: 'victim@exa\u00admple.com', state: 'invalidated' },
        { email: 'idn@exämple.com', state: 'invalidated' },
        { email: 'idn@xn--exmple-cua.com', state: 'confirmed' },
        { email: 'other@xn--exmple-cua.com', state: 'confirmed' },
      ]);
      assert.deepEqual(await rows(otherPetitionId), [{ email: 'victim@example.com', state: 'confirmed' }]);
    });

    test('the public count is recounted from the rows that are left', async () => {
      assert.equal(await count(petitionId), 2);
      assert.equal(await count(otherPetitionId), 1);
    });

    test('accounts take their canonical address unless another account has it already', async () => {
      const users = await store.db.selectFrom('users').select('email').orderBy('id').execute();
      assert.deepEqual(users.map((u) => u.email), ['organiser@xn--exmple-cua.com', 'taken@xn--exmple-cua.com', 'taken@exämple.com']);
    });
  });
}
