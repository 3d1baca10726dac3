import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine, type Engine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import { reconcileCounts } from '../../src/jobs/reconcile-counts.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';
import { hashSecret } from '../../src/services/tokens.ts';

for (const { engine, skip, create } of await testEngines()) {
  describe(`the job that repairs drifted counts (${engine})`, { skip }, () => {
    let db: TestDatabase;
    let store: Store;
    let raw: Engine;
    before(async () => {
      db = await create();
      store = await openStore(openEngine(db.url));
      raw = openEngine(db.url);
    });
    after(async () => {
      await raw?.db.destroy();
      await store?.close();
      await db?.drop();
    });

    test('a count that no longer matches its signatures is recomputed and logged; the others are untouched', async () => {
      const drifted = await openPetition(store, { slug: 'drifted' });
      const healthy = await openPetition(store, { slug: 'healthy' });
      const now = new Date('2026-11-28T10:00:00Z');
      const sigs = [1, 2, 3].map((n) => signature(drifted.id, n, { tokenHash: hashSecret(`d${n}`) }));
      sigs.push(signature(drifted.id, 4, { tokenHash: hashSecret('d4'), flag: 'address' }));
      sigs.push(signature(healthy.id, 1, { tokenHash: hashSecret('h1') }));
      await store.commitSignatureBatch({ now, signatures: sigs, confirmations: [] });
      assert.equal((await store.findPetitionBySlug('drifted'))!.signatureCount, 3, 'the flagged one does not count');

      // Someone edits the count by hand (or a bug we have not met yet does).
      await raw.db.updateTable('petitions').set({ signature_count: 41 }).where('id', '=', drifted.id).execute();
      const logged: unknown[] = [];
      const repaired = await reconcileCounts({ store, logger: { warn: (o) => logged.push(o) } });
      assert.deepEqual(repaired.map((r) => [r.slug, r.before, r.after]), [['drifted', 41, 3]]);
      assert.deepEqual(logged, [{ petition: 'drifted', before: 41, after: 3 }]);
      assert.equal((await store.findPetitionBySlug('drifted'))!.signatureCount, 3);
      assert.equal((await store.findPetitionBySlug('healthy'))!.signatureCount, 1);
      assert.deepEqual(await reconcileCounts({ store, logger: { warn: () => assert.fail('nothing left to repair') } }), []);
    });
  });
}
