import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi } from '../support/server.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase } from '../support/engines.ts';

test('administrators keep the list of categories; petitions show theirs', async () => {
  const db = sqliteDatabase();
  const server = await startTestApp({ DATABASE_URL: db.url });
  try {
    const auth = { authorization: `Bearer ${await server.adminToken()}` };
    const defaults = (await (await server.request('/api/v1/categories')).json()).data;
    assert.ok(defaults.some((c: { slug: string }) => c.slug === 'education'), 'a sensible default set');

    const added = await server.postJson('/api/v1/categories', { name: 'Arts and culture' }, auth);
    assert.equal(added.status, 201);
    assert.deepEqual(await added.json(), { slug: 'arts-and-culture', name: 'Arts and culture' });
    const twice = await server.postJson('/api/v1/categories', { name: 'arts and culture' }, auth);
    assert.equal(twice.status, 422);
    assert.ok((await twice.json()).error.fields.name);

    const petition = await createPetitionViaApi(server, { category: 'Arts and culture' });
    assert.deepEqual(petition.category, { slug: 'arts-and-culture', name: 'Arts and culture' });
    const page = await (await server.request(`/petitions/${petition.slug}`)).text();
    assert.match(page, /<dt>Category<\/dt><dd>Arts and culture<\/dd>/);

    const inUse = await server.request('/api/v1/categories/arts-and-culture', { method: 'DELETE', headers: auth });
    assert.equal(inUse.status, 409);
    const unused = await server.request('/api/v1/categories/animals', { method: 'DELETE', headers: auth });
    assert.equal(unused.status, 204);
    const missing = await server.request('/api/v1/categories/animals', { method: 'DELETE', headers: auth });
    assert.equal(missing.status, 404);
    const anonymous = await server.request('/api/v1/categories/housing', { method: 'DELETE' });
    assert.equal(anonymous.status, 401);
  } finally {
    await server.close();
    await db.drop();
  }
});
