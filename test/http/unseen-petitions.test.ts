import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { sqliteDatabase } from '../support/engines.ts';
import { openPetition, petitionInput } from '../support/builders.ts';
import type { PetitionState } from '../../src/domain/petition.ts';

/**
 * Issue 14, item 10 (e): the pages after signing named petitions nobody may see. Whoever types
 * their address learns nothing a closed door would not tell them.
 */
describe('the pages after signing, for a petition nobody may see', () => {
  let site: Site;
  let server: TestServer;
  before(async () => {
    site = await openSite({ database: sqliteDatabase });
    ({ server } = site);
  });
  after(() => site?.close());

  const pages = (slug: string) => [`/petitions/${slug}/signed`, `/petitions/${slug}/check-your-email`];

  for (const state of ['hidden', 'pending', 'rejected'] satisfies PetitionState[]) {
    test(`a ${state} petition: 404, and not a word of its title`, async () => {
      const title = `Quietly ${state} plans for the old library`;
      const petition = await server.store.createPetition(petitionInput({ state, title }));
      for (const path of pages(petition.slug)) {
        const res = await server.request(path);
        const body = await res.text();
        assert.equal(res.status, 404, `${path}: ${res.status}`);
        assert.ok(!body.includes(title) && !body.includes('old library'), `${path} names the petition: ${body}`);
      }
    });
  }

  test('an open petition’s pages still thank the signer by its title', async () => {
    const petition = await openPetition(server.store, { title: 'Reopen the old library' });
    for (const path of pages(petition.slug)) {
      const res = await server.request(path);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /Reopen the old library/);
    }
  });
});
