import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import { seedDemo } from '../../src/services/seed-demo.ts';
import { CityGazetteer } from '../../src/geo/gazetteer.ts';
import { sqliteDatabase } from '../support/engines.ts';

test('the demo content names its places as the gazetteer does for an organiser, with map positions', async () => {
  const db = sqliteDatabase();
  const store = await openStore(openEngine(db.url));
  try {
    assert.equal(await seedDemo(store, new Date('2026-12-04T12:00:00Z')), true);
    const located = (await store.listVisiblePetitions({ limit: 50, after: null })).filter((p) => p.location);
    const gazetteer = new CityGazetteer();
    const expected = ['Leeds, UK', 'Cambridge, UK', 'Bristol, UK'].map((q) => gazetteer.geocode(q)!);
    assert.deepEqual(located.map((p) => p.location!.name).sort(), expected.map((p) => p.displayName).sort());
    for (const p of located) assert.deepEqual(p.location, (({ displayName, lat, lon }) => ({ name: displayName, lat, lon }))(expected.find((e) => e.displayName === p.location!.name)!));
    assert.ok(!located.some((p) => p.location!.name.endsWith(', UK')), 'no typed text in place of the gazetteer’s name');
  } finally {
    await store.close();
    await db.drop();
  }
});
