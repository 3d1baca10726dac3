import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { sqliteDatabase } from '../support/engines.ts';

describe('browsing and searching over HTTP', () => {
  let site: Site;
  let server: TestServer;
  before(async () => {
    site = await openSite({ database: sqliteDatabase, env: { SIGNATURE_CONFIRMATION: 'none' } });
    ({ server } = site);
    await createPetitionViaApi(server, { title: 'Bring back night buses', target: 'Leeds council', location: 'Leeds, UK', category: 'transport' });
    await createPetitionViaApi(server, { title: 'Protected cycle lanes', target: 'York council', location: 'York, UK', category: 'transport' });
    await createPetitionViaApi(server, { title: 'Open the library at night', target: 'University of Cambridge', location: 'Cambridge, UK', category: 'education' });
    for (let i = 0; i < 3; i++) await server.postJson('/api/v1/petitions/protected-cycle-lanes/signatures', { name: 'R', email: `r${i}@example.org` });
  });
  after(() => site?.close());

  const api = async (query: string) => {
    const res = await server.request(`/api/v1/petitions?${query}`);
    return { status: res.status, body: await res.json() };
  };

  test('the API filters, sorts, finds by words and by distance, and pages with an opaque cursor', async () => {
    assert.deepEqual((await api('q=night')).body.data.map((p: { slug: string }) => p.slug), ['open-the-library-at-night', 'bring-back-night-buses']);
    assert.deepEqual((await api('category=education')).body.data.map((p: { slug: string }) => p.slug), ['open-the-library-at-night']);
    assert.equal((await api('sort=popular')).body.data[0].slug, 'protected-cycle-lanes');
    const near = await api('near=53.9,-1.1');
    assert.equal(near.body.data[0].slug, 'protected-cycle-lanes');
    assert.equal(typeof near.body.data[0].distanceKm, 'number');
    assert.equal((await api('')).body.data[0].distanceKm, undefined, 'no distance without near');

    const first = await api('sort=popular&limit=2');
    assert.equal(first.body.data.length, 2);
    const second = await api(`sort=popular&limit=2&cursor=${encodeURIComponent(first.body.next)}`);
    assert.deepEqual(second.body.data.map((p: { slug: string }) => p.slug).length, 1);
    assert.equal(second.body.next, null);
  });

  test('malformed near, cursor, sort or limit are 400 with the error shape; any search text is fine', async () => {
    for (const [query, field] of [['near=91,0', 'near'], ['near=abc', 'near'], ['near=52', 'near'], ['cursor=abc', 'cursor'], ['sort=popular&cursor=1.5', 'cursor'], ['sort=trending&cursor=12', 'cursor'], ['sort=oldest', 'sort'], ['limit=0', 'limit'], ['q=a&q=b', 'q']]) {
      const { status, body } = await api(query!);
      assert.equal(status, 400, query);
      assert.equal(body.error.code, 'MALFORMED_BODY', query);
      assert.ok(body.error.fields[field!], `${query}: fields.${field}`);
    }
    for (const q of ['"', "' or 1=1 --", 'a'.repeat(5000), '<script>', 'NEAR(a b)', '%', '_']) assert.equal((await api(`q=${encodeURIComponent(q)}`)).status, 200, q);
  });

  test('the page searches without JavaScript, near a place name, escapes what was typed, and links the next page', async () => {
    const page = await (await server.request('/petitions?q=night&sort=recent')).text();
    assert.match(page, /<input id="field-q" name="q" type="text" maxlength="200" value="night"/);
    assert.ok(page.indexOf('Open the library at night') < page.indexOf('Bring back night buses'));
    assert.doesNotMatch(page, /Protected cycle lanes<\/a>/);

    const near = await (await server.request('/petitions?near=York%2C%20UK')).text();
    assert.ok(near.indexOf('Protected cycle lanes') < near.indexOf('Bring back night buses'), 'nearest first');
    assert.match(near, /data-markers=/);
    const unknown = await server.request('/petitions?near=Qwxyzzyville');
    assert.match(await unknown.text(), /We could not find “Qwxyzzyville”/);

    const hostile = await (await server.request(`/petitions?q=${encodeURIComponent('<script>alert(1)</script>')}`)).text();
    assert.ok(!hostile.includes('<script>alert(1)'), 'escaped');
    assert.match(hostile, /Nothing matches/);

    const paged = await (await server.request('/petitions?sort=popular&limit=1')).text();
    assert.match(paged, /href="\/petitions\?sort=popular&amp;cursor=[^"]+">Next page/);
  });
});
