import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { sqliteDatabase } from '../support/engines.ts';
import { formBody } from '../support/cookie-jar.ts';

/*
 * What a signer sees while the database's disk is full (issue 20), on the API and through the form.
 * The fault is the error SQLite raises, thrown where the signing commit runs; the real disk filling up
 * is test/reliability/full-disk.test.ts, which needs root.
 */
describe('signing while the disk is full', () => {
  let site: Site;
  let server: TestServer;
  before(async () => {
    site = await openSite({ database: sqliteDatabase, env: { SIGNATURE_CONFIRMATION: 'none' } });
    ({ server } = site);
  });
  after(() => site?.close());

  test('is answered 503 STORAGE_FULL with Retry-After on the API and a page saying so on the form, and works again once there is room', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Mend the library roof' });
    const store = server.store;
    const commit = store.commitSignatureBatch;
    store.commitSignatureBatch = async () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL', name: 'SqliteError' });
    };
    try {
      const api = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Ada', email: 'ada@example.org' });
      assert.equal(api.status, 503);
      assert.equal(api.headers.get('retry-after'), '30');
      const body = (await api.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'STORAGE_FULL');
      assert.match(body.error.message, /Nothing was saved/);

      const form = await server.request(`/petitions/${slug}/signatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.config.baseUrl },
        body: formBody({ name: 'Ada', email: 'ada@example.org', consent: 'yes' }),
      });
      assert.equal(form.status, 503);
      assert.equal(form.headers.get('retry-after'), '30');
      assert.match(form.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await form.text(), /our storage is full or cannot be written/);
    } finally {
      store.commitSignatureBatch = commit;
    }
    const again = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Ada', email: 'ada@example.org' });
    assert.equal(again.status, 201, await again.text());
  });
});
