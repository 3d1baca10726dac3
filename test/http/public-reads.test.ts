import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

describe('cached reads of a busy petition', () => {
  let db: TestDatabase;
  let server: TestServer;
  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  const sign = (slug: string, email: string) => server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Reader', email });

  test('the count answers with an ETag, 304 when unchanged, and moves the moment a signature commits', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Count me in' });
    const first = await server.request(`/api/v1/petitions/${slug}/count`);
    const etag = first.headers.get('etag')!;
    assert.equal((await first.json()).signatureCount, 0);
    assert.match(first.headers.get('cache-control')!, /max-age=2, stale-while-revalidate=10/);
    assert.equal((await server.request(`/api/v1/petitions/${slug}/count`, { headers: { 'if-none-match': etag } })).status, 304);

    assert.equal((await sign(slug, 'a@example.org')).status, 201);
    const moved = await server.request(`/api/v1/petitions/${slug}/count`, { headers: { 'if-none-match': etag } });
    assert.equal(moved.status, 200, 'not a second late: the commit updated the cached count');
    assert.equal((await moved.json()).signatureCount, 1);
    assert.notEqual(moved.headers.get('etag'), etag);
  });

  test('the page is rendered once and revalidated by ETag; a signature, an update or a close shows at once', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Page me' });
    const token = await server.adminToken();
    const page = await server.request(`/petitions/${slug}`);
    const etag = page.headers.get('etag')!;
    assert.ok(etag.startsWith('W/"'));
    assert.equal((await server.request(`/petitions/${slug}`, { headers: { 'if-none-match': etag } })).status, 304);

    // A change made behind the web layer's back is not seen within the second: the page came from memory.
    const p = (await server.store.findPetitionBySlug(slug))!;
    await server.store.changePetitionFields(p.id, { target: 'Somebody else' }, []);
    assert.equal((await server.request(`/petitions/${slug}`, { headers: { 'if-none-match': etag } })).status, 304, 'served from memory');

    // Changes made through the app are seen at once.
    await sign(slug, 'b@example.org');
    const afterSigning = await (await server.request(`/petitions/${slug}`)).text();
    assert.match(afterSigning, /Somebody else/, 'a commit rebuilt the page');
    const update = await server.postJson(`/api/v1/petitions/${slug}/updates`, { text: 'We met the council today.' }, { authorization: `Bearer ${token}` });
    assert.equal(update.status, 201);
    assert.match(await (await server.request(`/petitions/${slug}`)).text(), /We met the council today\./);
  });

  test('a petition that is not public is not found, cached or not', async () => {
    assert.equal((await server.request('/api/v1/petitions/no-such-petition/count')).status, 404);
    assert.equal((await server.request('/petitions/no-such-petition')).status, 404);
  });
});
