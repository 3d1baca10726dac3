import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

describe('the embeddable widget', () => {
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

  test('other sites may frame the widget, and only the widget; it shows the count and opens the petition to sign', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Trees on every street', goal: 50 });
    await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'E', email: 'e@example.org' });
    const res = await server.request(`/petitions/${slug}/embed`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors \*/);
    assert.equal(res.headers.get('x-frame-options'), null);
    const html = await res.text();
    assert.ok(html.length < 10_000, `small: ${html.length} bytes`);
    assert.match(html, /<strong>1<\/strong> signatures of 50/);
    assert.match(html, new RegExp(`href="${server.config.baseUrl}/petitions/${slug}#sign-heading" target="_blank" rel="noopener"`));
    assert.doesNotMatch(html, /<script/);

    const page = await server.request(`/petitions/${slug}`);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(await page.text(), new RegExp(`&lt;iframe src=&quot;${server.config.baseUrl}/petitions/${slug}/embed&quot;`));
    assert.equal((await server.request('/petitions/no-such/embed')).status, 404);
  });
});

describe('signatures by area over HTTP', () => {
  test('the API and the page show districts and countries with at least 5 signers, the rest merged', async () => {
    const db = sqliteDatabase();
    const server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
    try {
      const { slug } = await createPetitionViaApi(server, { title: 'Where are we' });
      const sign = (i: number, place: Record<string, string>) => server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'S', email: `s${i}@example.org`, ...place });
      for (let i = 0; i < 6; i++) await sign(i, { postcode: `CB2 ${i}TN` });
      for (let i = 6; i < 8; i++) await sign(i, { postcode: 'LS6 1AN' });
      for (let i = 8; i < 13; i++) await sign(i, { country: 'Ireland' });
      const body = await (await server.request(`/api/v1/petitions/${slug}/areas`)).json();
      assert.deepEqual(body, { slug, floor: 5, areas: [{ area: 'CB2', count: 6 }, { area: 'Ireland', count: 5 }], other: 2 });
      const page = await (await server.request(`/petitions/${slug}`)).text();
      assert.match(page, /<td>CB2<\/td><td>6<\/td>/);
      assert.doesNotMatch(page, /LS6/, 'a district with two signers is not named');
      assert.match(page, /<td>Elsewhere, or not given<\/td><td>2<\/td>/);
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
