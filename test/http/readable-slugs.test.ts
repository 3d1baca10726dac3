import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import type { SmtpSink } from '../support/smtp.ts';
import { testEngines } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';
import { WebClient, startAndConfirmPetition } from '../support/web-client.ts';
import { Schedule } from '../../src/jobs/schedule.ts';
import type { MailDelivery } from '../../src/jobs/deliver-mail.ts';

/** A random suffix: five of Crockford's base 32 (no i, l, o, u). */
const SUFFIX = '[0-9a-hjkmnp-tv-z]{5}';
const HOUR = 3_600_000;

/** An anonymous start on the web form, never confirmed. */
async function startOnly(client: WebClient, email: string, title: string): Promise<void> {
  const res = await client.post('/petitions/new', {
    kind: 'petition', target: 'Leeds City Council', title, body: `${title}, please.`, why: 'Because it matters to us.', organiserName: 'Someone', organiserEmail: email,
  });
  assert.equal(res.status, 303, `start "${title}": ${res.status}`);
}

const petitionPage = async (server: TestServer, slug: string) => {
  const res = await server.request(`/petitions/${slug}`);
  return { status: res.status, html: await res.text() };
};

for (const { engine, skip, create } of await testEngines()) {
  describe(`Every title gets a readable address of its own (${engine})`, { skip }, () => {
    let site: Site;
    let smtp: SmtpSink;
    let server: TestServer;
    let auth: Record<string, string>;
    const clock = fixedClock('2026-11-28T10:00:00Z');

    before(async () => {
      site = await openSite({ database: create, smtp: true, env: { MODERATION: 'post' }, clock });
      ({ smtp, server } = site);
      auth = { authorization: `Bearer ${await server.adminToken()}` };
    });
    after(() => site?.close());

    test('Cyrillic, Greek, Arabic and Chinese titles get readable Latin slugs, and their pages are there', async () => {
      const titles: Array<[string, string]> = [
        ['Спасите парк Горького', 'spasite-park-gorkogo'],
        ['Σώστε το πάρκο', 'soste-to-parko'],
        ['أنقذوا الحديقة', 'nqdhw-lhdyqh'],
        ['拯救公园', 'zheng-jiu-gong-yuan'],
      ];
      for (const [title, slug] of titles) {
        const created = await createPetitionViaApi(server, { title });
        assert.equal(created.slug, slug, title);
        const page = await petitionPage(server, slug);
        assert.equal(page.status, 200, slug);
        assert.ok(page.html.includes(title), `the page at /petitions/${slug} is "${title}"`);
      }
    });

    test('a Cyrillic title started on the web gets its readable slug when the organiser confirms it', async () => {
      const slug = await startAndConfirmPetition(new WebClient(server, '10.2.0.1'), smtp, 'olena@example.org', 'Сохраним библиотеку');
      assert.equal(slug, 'sokhranim-biblioteku');
      assert.equal((await petitionPage(server, slug)).status, 200);
    });

    test('a second petition of the same title gets the slug with a random suffix, not a count', async () => {
      const first = await createPetitionViaApi(server, { title: 'Fix the potholes on Kirkstall Road' });
      const second = await createPetitionViaApi(server, { title: 'Fix the potholes on Kirkstall Road' });
      const third = await createPetitionViaApi(server, { title: 'Fix the potholes on Kirkstall Road' });
      assert.equal(first.slug, 'fix-the-potholes-on-kirkstall-road');
      assert.match(second.slug, new RegExp(`^fix-the-potholes-on-kirkstall-road-${SUFFIX}$`));
      assert.match(third.slug, new RegExp(`^fix-the-potholes-on-kirkstall-road-${SUFFIX}$`));
      assert.notEqual(second.slug, third.slug);
      for (const { slug } of [first, second, third]) assert.equal((await petitionPage(server, slug)).status, 200, slug);
    });

    test('a petition titled "New" does not hide behind /petitions/new, nor one titled by any other route word', async () => {
      const created = await createPetitionViaApi(server, { title: 'New' });
      assert.match(created.slug, new RegExp(`^new-${SUFFIX}$`));
      const page = await petitionPage(server, created.slug);
      assert.equal(page.status, 200);
      assert.match(page.html, /<h1[^>]*>New<\/h1>/);
      assert.match((await petitionPage(server, 'new')).html, /name="organiserEmail"/, '/petitions/new is still the start form');
      assert.equal((await (await server.request(`/api/v1/petitions/${created.slug}`)).json()).title, 'New');

      // Every literal word right after /petitions/ or /campaigns/ in the route table, so a new route cannot be forgotten.
      const routes = (server.app as unknown as { registeredRoutes: Array<{ url: string }> }).registeredRoutes;
      const words = new Set(routes.flatMap(({ url }) => /^(?:\/api\/v1)?\/(?:petitions|campaigns)\/([^/:]+)/.exec(url)?.[1] ?? []));
      assert.ok(words.has('new'), 'the route table was read');
      for (const word of words) {
        const petition = await createPetitionViaApi(server, { title: word });
        assert.notEqual(petition.slug, word);
        assert.equal((await petitionPage(server, petition.slug)).status, 200, petition.slug);
        const campaign = await server.postJson('/api/v1/campaigns', { title: word, body: 'B', why: 'W' }, auth);
        assert.notEqual(((await campaign.json()) as { slug: string }).slug, word);
      }
    });

    test('campaigns take readable slugs the same way: transliterated, suffixed when taken, never "new"', async () => {
      const campaign = (title: string) => server.postJson('/api/v1/campaigns', { title, body: 'B', why: 'W' }, auth).then(async (r) => {
        assert.equal(r.status, 201);
        return ((await r.json()) as { slug: string }).slug;
      });
      assert.equal(await campaign('Чистый воздух'), 'chistyy-vozdukh');
      assert.match(await campaign('Чистый воздух'), new RegExp(`^chistyy-vozdukh-${SUFFIX}$`));
      const brandNew = await campaign('New');
      assert.match(brandNew, new RegExp(`^new-${SUFFIX}$`));
      assert.equal((await server.request(`/api/v1/campaigns/${brandNew}`)).status, 200);
    });

    test('many unconfirmed anonymous starts of one title leave its slug to the petition that is confirmed', async () => {
      const title = 'Reopen the Bramley baths';
      const stranger = new WebClient(server, '10.2.0.9');
      for (let i = 0; i < 30; i++) await startOnly(stranger, `someone-${i}@example.org`, title);
      assert.equal((await petitionPage(server, 'reopen-the-bramley-baths')).status, 404, 'no unconfirmed start is at the address');

      const slug = await startAndConfirmPetition(new WebClient(server, '10.2.0.2'), smtp, 'bea@example.org', title);
      assert.equal(slug, 'reopen-the-bramley-baths');
      assert.equal((await petitionPage(server, slug)).status, 200);
      // One of the early starts confirmed after all: it comes second, so it takes a suffix.
      const late = await startAndConfirmPetition(new WebClient(server, '10.2.0.3'), smtp, 'cat@example.org', title);
      assert.match(late, new RegExp(`^reopen-the-bramley-baths-${SUFFIX}$`));
      const api = await createPetitionViaApi(server, { title: 'Reopen the Bramley baths' });
      assert.match(api.slug, new RegExp(`^reopen-the-bramley-baths-${SUFFIX}$`));
    });
  });

  describe(`Starts nobody confirms are deleted after 24 hours (${engine})`, { skip }, () => {
    let site: Site;
    let smtp: SmtpSink;
    let server: TestServer;
    const clock = fixedClock('2026-11-28T10:00:00Z');
    const errors: unknown[] = [];
    let schedule: Schedule;

    before(async () => {
      site = await openSite({ database: create, smtp: true, env: { MODERATION: 'post' }, clock });
      ({ smtp, server } = site);
      // The schedule the server runs, over the same store and clock: the job is run by hand, not by a timer.
      schedule = new Schedule({
        store: server.store, clock, delivery: {} as MailDelivery, baseUrl: server.config.baseUrl, anonymiseAfterDays: 183,
        logger: { error: (e) => errors.push(e), warn: () => {} },
      });
    });
    after(() => site?.close());

    const petitionsOf = async (email: string) => {
      const user = await server.store.findUserByEmail(email);
      return user ? (await server.store.listPetitionsByCreator(user.id)).map((p) => p.title) : undefined;
    };

    test('unconfirmed starts older than 24 hours go, with accounts nobody proved; newer ones and confirmed petitions stay', async () => {
      const web = new WebClient(server, '10.3.0.1');
      // Olga confirms one petition and leaves another unconfirmed; a stranger types Pat's address.
      const olgas = await startAndConfirmPetition(new WebClient(server, '10.3.0.2'), smtp, 'olga@example.org', 'Keep the night buses');
      await startOnly(web, 'olga@example.org', 'A second thought');
      await startOnly(web, 'pat@example.org', 'Something Pat never asked for');
      clock.advance(20 * HOUR);
      await startOnly(web, 'quinn@example.org', 'Quinn will confirm this tomorrow');

      clock.advance(4 * HOUR + 60_000); // 24 h 1 min after the first starts, 4 h 1 min after Quinn's
      await schedule.runOnce('purge-unverified-starts');
      assert.deepEqual(errors, []);

      assert.equal(await petitionsOf('pat@example.org'), undefined, 'Pat’s address, never proved, is gone with the start');
      assert.deepEqual(await petitionsOf('olga@example.org'), ['Keep the night buses'], 'Olga keeps her account and her confirmed petition');
      assert.equal((await petitionPage(server, olgas)).status, 200);
      assert.deepEqual(await petitionsOf('quinn@example.org'), ['Quinn will confirm this tomorrow']);

      const quinns = await startAndConfirmPetition(new WebClient(server, '10.3.0.3'), smtp, 'quinn-2@example.org', 'Quinn will confirm this tomorrow');
      assert.equal(quinns, 'quinn-will-confirm-this-tomorrow', 'the kept start held no slug either');
      const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('quinn@example.org'));
      const link = (mail.text ?? '').match(/https?:\/\/\S+\/auth\/\S+/)?.[0];
      assert.ok(link, 'Quinn’s link was mailed');
      const confirmed = await web.post(new URL(link).pathname, {});
      assert.equal(confirmed.status, 303, 'Quinn’s start, 4 hours old, still confirms');
      assert.match(confirmed.headers.get('location') ?? '', new RegExp(`^/petitions/quinn-will-confirm-this-tomorrow-${SUFFIX}/manage`));

      clock.advance(24 * HOUR);
      await schedule.runOnce('purge-unverified-starts');
      assert.deepEqual(await petitionsOf('quinn@example.org'), ['Quinn will confirm this tomorrow'], 'a confirmed petition is never purged');
      assert.deepEqual(errors, []);
    });
  });
}
