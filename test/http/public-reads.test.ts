import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { sqliteDatabase } from '../support/engines.ts';

describe('cached reads of a busy petition', () => {
  let site: Site;
  let server: TestServer;
  before(async () => {
    site = await openSite({ database: sqliteDatabase, env: { SIGNATURE_CONFIRMATION: 'none' } });
    ({ server } = site);
  });
  after(() => site?.close());

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

  /** Issue 14, item 10 (d): a flood of 404 posts made every reader's page a fresh render. */
  test('refused posts (404, 401, 403, 422, a sign-in redirect) leave the cached page alone; a signature still refreshes it', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Flood-proof page' });
    const token = await server.adminToken();
    const form = (path: string, headers: Record<string, string> = {}) =>
      server.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.config.baseUrl, ...headers }, body: 'reason=' });
    const refusals: Array<[string, number, () => Promise<Response>]> = [
      ['a form post to an unknown petition', 404, () => form('/petitions/no-such-petition/report')],
      ['a post no route takes', 404, () => form('/no-such-place')],
      ['an API write without a token', 401, () => server.postJson(`/api/v1/petitions/${slug}/updates`, { text: 'Not mine to post.' })],
      ['a cross-site form post', 403, () => form(`/petitions/${slug}/report`, { origin: 'https://elsewhere.example' })],
      ['a form post without its CSRF token', 403, () => form(`/petitions/${slug}/manage/close`)],
      ['a form with a missing field', 422, () => form(`/petitions/${slug}/report`)],
      ['an API write that fails validation', 422, () => server.postJson(`/api/v1/petitions/${slug}/updates`, { text: '' }, { authorization: `Bearer ${token}` })],
      ['a moderator’s decision without a staff session', 303, () => form(`/admin/petitions/${slug}/hide`)],
    ];
    const p = (await server.store.findPetitionBySlug(slug))!;
    let n = 0;
    for (const [what, status, send] of refusals) {
      // A signature forgets the page, so the page below is freshly rendered and has its whole second ahead.
      assert.equal((await sign(slug, `flood-${n}@example.org`)).status, 201);
      const page = await server.request(`/petitions/${slug}`);
      const etag = page.headers.get('etag')!;
      await page.arrayBuffer();
      // Behind the web layer's back: only a render made after forgetting would show it.
      await server.store.changePetitionFields(p.id, { target: `Target number ${++n}` }, []);
      const answers = await Promise.all(Array.from({ length: 10 }, send));
      for (const answer of answers) {
        assert.equal(answer.status, status, `${what}: ${await answer.text()}`);
        await answer.arrayBuffer().catch(() => {});
      }
      const again = await server.request(`/petitions/${slug}`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304, `${what} made the page render again`);
    }
    assert.equal((await sign(slug, 'after-the-flood@example.org')).status, 201);
    const rebuilt = await (await server.request(`/petitions/${slug}`)).text();
    assert.match(rebuilt, new RegExp(`Target number ${n}`), 'the signature rebuilt the page');
  });

  test('a petition that is not public is not found, cached or not', async () => {
    assert.equal((await server.request('/api/v1/petitions/no-such-petition/count')).status, 404);
    assert.equal((await server.request('/petitions/no-such-petition')).status, 404);
  });
});
