import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import { GroupCommitBatcher } from '../../src/signing/batcher.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';
import { fixedClock } from '../support/clock.ts';

describe('SQLite signing on its own writer thread', () => {
  let db: TestDatabase;
  let store: Store;
  before(async () => {
    db = sqliteDatabase();
    store = await openStore(openEngine(db.url), { writerThread: true });
  });
  after(async () => {
    await store.close();
    await db.drop();
  });

  test('batches committed on the thread are read back on the main connection, milestones once, with two batches in flight', async () => {
    const p = await openPetition(store, { slug: 'threaded' });
    const batcher = new GroupCommitBatcher({ store, clock: fixedClock(), windowMs: 1, maxBatch: 37, maxInFlight: 2 });
    const outcomes = await Promise.all(Array.from({ length: 1000 }, (_, i) => batcher.sign(signature(p.id, i))));
    assert.ok(outcomes.every((o) => o.outcome === 'accepted' && o.alreadySigned === null));
    assert.equal((await store.findPetitionBySlug('threaded'))!.signatureCount, 1000);
    assert.equal(await store.countSignatures(p.id, 'confirmed'), 1000);
    const milestones = (await store.listUpdates(p.id)).filter((u) => u.type === 'milestone').map((u) => u.count);
    assert.deepEqual(milestones.sort((a, b) => a! - b!), [10, 25, 50, 100, 250, 500, 1000]);
  });

  test('main-thread transactions that read then write never fail while the thread commits', async () => {
    const p = await openPetition(store, { slug: 'contended' });
    const batcher = new GroupCommitBatcher({ store, clock: fixedClock(), windowMs: 1, maxBatch: 20, maxInFlight: 2 });
    const signing = Promise.all(Array.from({ length: 400 }, (_, i) => batcher.sign(signature(p.id, i))));
    // The mail worker's claim is a read followed by a write in one transaction: the classic SQLITE_BUSY case.
    const claims = Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await store.enqueueMail([{ kind: 'k', to: `m${i}@example.org`, subject: 's', text: 't', html: 'h' }], new Date('2026-11-28T12:00:00Z'));
        return store.claimMail({ now: new Date('2026-11-28T12:00:01Z'), worker: `w${i}`, limit: 5, bulkAtLeast: 0, leaseMs: 60_000 });
      }),
    );
    // A read, a pause (other work runs, the thread commits), then a write: what an organiser's edit does.
    const edits = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.findPetitionBySlug('contended');
          await new Promise((r) => setTimeout(r, 2));
          return tx.addUpdate({ petitionId: p.id, type: 'update', text: `Update ${i}`, url: null, createdAt: new Date('2026-11-28T12:00:00Z') });
        }),
      ),
    );
    const [, claimed, posted] = await Promise.all([signing, claims, edits]);
    assert.equal(claimed.flat().length, 40, 'every mail claimed exactly once, no transaction refused');
    assert.equal(posted.length, 20);
    assert.equal((await store.findPetitionBySlug('contended'))!.signatureCount, 400);
  });

  test('an error inside a threaded batch reaches the caller with its message, and the next batch works', async () => {
    const p = await openPetition(store, { slug: 'broken' });
    await assert.rejects(store.commitSignatureBatch({ now: new Date(), signatures: [signature(999_999, 1)], confirmations: [] }).then((r) => {
      // A petition that does not exist is 'gone', not an error: prove the thread answers, then force a real error.
      assert.deepEqual(r.signatures, ['gone']);
      return store.commitSignatureBatch({ now: new Date(), signatures: [signature(p.id, 1, { name: null as unknown as string })], confirmations: [] });
    }), /NOT NULL/);
    const ok = await store.commitSignatureBatch({ now: new Date(), signatures: [signature(p.id, 2)], confirmations: [] });
    assert.deepEqual(ok.signatures, ['accepted']);
  });
});
