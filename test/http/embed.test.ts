import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, startTestApp, type Site } from '../support/app.ts';
import { sqliteDatabase, testEngines, type TestDatabase } from '../support/engines.ts';

describe('the embeddable widget', () => {
  let site: Site;
  let db: TestDatabase;
  let server: TestServer;
  before(async () => {
    site = await openSite({ database: sqliteDatabase, env: { SIGNATURE_CONFIRMATION: 'none' } });
    ({ db, server } = site);
  });
  after(() => site?.close());

  test('other sites may frame the widget, and only the widget; it shows the count and opens the petition to sign', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Trees on every street', goal: 50 });
    await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'E', email: 'e@example.org' });
    const res = await server.request(`/petitions/${slug}/embed`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors \*/);
    assert.equal(res.headers.get('x-frame-options'), null);
    const html = await res.text();
    assert.ok(html.length < 10_000, `small: ${html.length} bytes`);
    assert.match(html, /<strong>1<\/strong> signature of 50/);
    assert.match(html, new RegExp(`href="${server.config.baseUrl}/petitions/${slug}#sign-heading" target="_blank" rel="noopener"`));
    assert.doesNotMatch(html, /<script/);

    const page = await server.request(`/petitions/${slug}`);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(await page.text(), new RegExp(`&lt;iframe src=&quot;${server.config.baseUrl}/petitions/${slug}/embed&quot;`));
    assert.equal((await server.request('/petitions/no-such/embed')).status, 404);
  });
});

for (const { engine, skip, create } of await testEngines()) {
  describe(`signatures by area over HTTP on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    test('the API and the page show districts and countries with at least 5 signers, the rest merged', async () => {
      const db = await create();
      const server = await startTestApp({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
      try {
        const { slug } = await createPetitionViaApi(server, { title: 'Where are we' });
        const sign = (i: number, place: Record<string, string>) => server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'S', email: `s${i}@example.org`, ...place });
        // Six in CB2, however they typed it (one gave only the district); two in LS6; five in Ireland, however they spelled it;
        // five who typed something that is no country; one who gave nothing.
        const cb2 = ['CB2 1TN', 'cb21tn', 'CB2 3QZ', 'cb2-8ph', 'CB2', 'CB2 7EF'];
        for (const [i, postcode] of cb2.entries()) await sign(i, { postcode, ...(i === 0 ? { country: 'United Kingdom' } : {}) });
        for (let i = 10; i < 12; i++) await sign(i, { postcode: 'LS6 1AN' });
        for (const [i, country] of ['Ireland', 'ireland', ' IRELAND ', 'IE', 'Éire'].entries()) await sign(20 + i, { country });
        for (let i = 30; i < 35; i++) await sign(i, { country: 'nowhere you know' });
        await sign(40, {});

        const res = await server.request(`/api/v1/petitions/${slug}/areas`);
        assert.match(res.headers.get('cache-control') ?? '', /public, max-age=60/);
        const body = await res.json();
        assert.deepEqual(body, {
          slug,
          floor: 5,
          areas: [
            { area: 'CB2', name: 'CB2', kind: 'district', count: 6 },
            { area: 'IE', name: 'Ireland', kind: 'country', count: 5 },
          ],
          other: 8,
        });
        const page = await (await server.request(`/petitions/${slug}`)).text();
        assert.match(page, /Where signers are/);
        assert.match(page, /<td>CB2<\/td><td>6<\/td>/);
        assert.match(page, /<td>Ireland<\/td><td>5<\/td>/);
        assert.doesNotMatch(page, /LS6/, 'a district with two signers is not named');
        assert.doesNotMatch(page, /nowhere you know/, 'free text is never shown');
        assert.match(page, /<td>Elsewhere, or not given<\/td><td>8<\/td>/);
        assert.equal((await server.request('/api/v1/petitions/no-such/areas')).status, 404);
      } finally {
        await server.close();
        await db.drop();
      }
    });
  });
}
