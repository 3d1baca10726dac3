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
