import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import type { SignatureBatch } from '../../src/store/records.ts';
import { GroupCommitBatcher } from '../../src/signing/batcher.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';
import { fixedClock } from '../support/clock.ts';

/** Wraps a store to count the transactions the batcher opens. */
function countingStore(store: Store, fail?: (batch: SignatureBatch) => boolean) {
  const batches: number[] = [];
  const wrapped = Object.create(store) as Store;
  wrapped.commitSignatureBatch = async (batch) => {
    batches.push(batch.signatures.length + batch.confirmations.length);
    if (fail?.(batch)) throw new Error('poison row');
    return store.commitSignatureBatch(batch);
  };
  return { wrapped, batches };
}

describe('group-commit batcher', () => {
  let db: TestDatabase;
  let store: Store;
  before(async () => {
    db = sqliteDatabase();
    store = await openStore(openEngine(db.url));
  });
  after(async () => {
    await store.close();
    await db.drop();
  });

  test('signatures arriving together share one transaction, and each caller hears after the commit', async () => {
    const p = await openPetition(store);
    const { wrapped, batches } = countingStore(store);
    const batcher = new GroupCommitBatcher({ store: wrapped, clock: fixedClock(), windowMs: 5 });
    const receipts = await Promise.all(Array.from({ length: 200 }, (_, i) => batcher.sign(signature(p.id, i))));
    assert.deepEqual(new Set(receipts.map((r) => r.outcome)), new Set(['accepted']));
    assert.equal(batches.reduce((a, b) => a + b, 0), 200);
    assert.ok(batches.length <= 3, `expected a few transactions, got ${batches.length}`);
    assert.equal((await store.findPetitionBySlug(p.slug))?.signatureCount, 200);
  });

  test('a batch never exceeds its maximum size; what queues meanwhile forms the next one', async () => {
    const p = await openPetition(store);
    const { wrapped, batches } = countingStore(store);
    const batcher = new GroupCommitBatcher({ store: wrapped, clock: fixedClock(), windowMs: 50, maxBatch: 40 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => batcher.sign(signature(p.id, i))));
    assert.ok(batches.every((n) => n <= 40));
    assert.equal((await store.findPetitionBySlug(p.slug))?.signatureCount, 100);
  });

  test('one failing row fails only its own request', async () => {
    const p = await openPetition(store);
    const { wrapped } = countingStore(store, (batch) => batch.signatures.some((s) => s.name === 'Poison'));
    const batcher = new GroupCommitBatcher({ store: wrapped, clock: fixedClock(), windowMs: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => batcher.sign(signature(p.id, i, i === 4 ? { name: 'Poison' } : {}))),
    );
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    assert.equal((await store.findPetitionBySlug(p.slug))?.signatureCount, 9);
  });

  test('flush writes what is queued before it returns, and commit listeners hear the count change', async () => {
    const p = await openPetition(store);
    const batcher = new GroupCommitBatcher({ store, clock: fixedClock(), windowMs: 10_000 });
    const heard: number[] = [];
    batcher.onCommit((changes) => heard.push(...changes.map((c) => c.after)));
    const pending = batcher.sign(signature(p.id, 1));
    await batcher.flush();
    assert.deepEqual(await pending, { outcome: 'accepted', alreadySigned: null });
    assert.deepEqual(heard, [1]);
  });

  test('only the caller whose address had already signed and confirmed hears so, with the stored name', async () => {
    const p = await openPetition(store);
    const mail = (to: string) => ({ kind: 'confirm-signature', to, subject: 's', text: 't', html: 'h' });
    await store.commitSignatureBatch({ now: fixedClock()(), signatures: [signature(p.id, 1, { name: 'Ada Lovelace' })], confirmations: [] });
    const batcher = new GroupCommitBatcher({ store, clock: fixedClock(), windowMs: 10_000 });
    const again = (n: number, o = {}) => batcher.sign(signature(p.id, n, { confirmed: false, tokenHash: `again-${n}`, confirmationMail: mail(`signer-${n}@example.org`), ...o }));
    const receipts = [again(2), again(1, { name: 'Someone Else' }), again(3)];
    await batcher.flush();
    assert.deepEqual(await Promise.all(receipts), [
      { outcome: 'accepted', alreadySigned: null },
      { outcome: 'accepted', alreadySigned: { name: 'Ada Lovelace' } },
      { outcome: 'accepted', alreadySigned: null },
    ]);
  });
});
