import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, startTestServer, type TestServer } from '../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';
import { csrfToken } from '../support/cookie-jar.ts';
import { WebClient, startAndConfirmPetition } from '../support/web-client.ts';
import { createAdmin, createModerator } from '../../src/services/accounts.ts';

const ADMIN = { email: 'ada@example.org', password: 'admin passphrase of some length' };
const MODERATOR = { email: 'mo@example.org', password: 'moderator passphrase, long enough' };
const stateOf = async (server: TestServer, slug: string) => (await server.store.findPetitionBySlug(slug))?.state;
const mailTo = (smtp: SmtpSink, to: string, subject: RegExp) => smtp.waitFor((m) => JSON.stringify(m.to).includes(to) && subject.test(m.subject ?? ''));

for (const { engine, skip, create } of await testEngines()) {
  describe(`pre-moderation, kill switches and the banner (${engine})`, { skip }, () => {
    let db: TestDatabase;
    let smtp: SmtpSink;
    let server: TestServer;
    const clock = fixedClock('2026-11-28T10:00:00Z');
    let admin: WebClient;
    let mo: WebClient;
    let organiser: WebClient;
    let approved = '';

    before(async () => {
      db = await create();
      smtp = await startSmtpSink();
      server = await startTestServer({ DATABASE_URL: db.url, SMTP_URL: smtp.url, MODERATION: 'pre', TRUST_PROXY: '127.0.0.1' }, { clock });
      await createAdmin(server.store, ADMIN.email, ADMIN.password, clock());
      await createModerator(server.store, MODERATOR.email, MODERATOR.password, clock());
      admin = new WebClient(server, '10.1.0.1');
      mo = new WebClient(server, '10.1.0.2');
      organiser = new WebClient(server, '10.1.0.3');
      assert.equal((await admin.signIn(ADMIN.email, ADMIN.password)).status, 303);
      assert.equal((await mo.signIn(MODERATOR.email, MODERATOR.password)).status, 303);
    });
    after(async () => {
      await server?.close();
      await smtp?.close();
      await db?.drop();
    });

    test('under MODERATION=pre a confirmed petition waits unseen; approving opens and lists it', async () => {
      approved = await startAndConfirmPetition(organiser, smtp, 'oli@example.org', 'Light the towpath');
      assert.equal(await stateOf(server, approved), 'pending');
      assert.equal((await server.request(`/petitions/${approved}`)).status, 404);
      assert.equal((await server.request(`/petitions/${approved}/report`)).status, 404, 'nothing to report before it is public');
      assert.match(await (await mo.get('/admin/queue')).text(), /Waiting for approval: not live yet/);
      const review = await (await mo.get(`/admin/petitions/${approved}`)).text();
      assert.ok(!review.includes('Hide it'), 'a petition that was never public is rejected, not hidden');

      assert.equal((await mo.submit(`/admin/petitions/${approved}`, `/admin/petitions/${approved}/approve`)).status, 303);
      assert.equal((await server.request(`/petitions/${approved}`)).status, 200);
      const listed = (await (await server.request('/api/v1/petitions')).json()) as { data: Array<{ slug: string }> };
      assert.ok(listed.data.some((p) => p.slug === approved));
      await mailTo(smtp, 'oli@example.org', /is live: Light the towpath/);
    });

    test('an edit to its words after review puts it back in the queue', async () => {
      const manage = `/petitions/${approved}/manage`;
      clock.advance(60_000);
      const fields = { kind: 'petition', target: 'Leeds City Council', title: 'Light the whole towpath', body: 'Light the towpath, please.', why: 'Because it matters to us.', category: '', location: '', goal: '', closesAt: '' };
      assert.equal((await organiser.submit(manage, `${manage}/edit`, fields)).status, 303);
      const queue = await (await mo.get('/admin/queue')).text();
      assert.ok(queue.includes(`/admin/petitions/${approved}"`));
      assert.match(queue, /Its words changed since the last review/);
      clock.advance(60_000);
      assert.equal((await mo.submit(`/admin/petitions/${approved}`, `/admin/petitions/${approved}/approve`)).status, 303);
      assert.ok(!(await (await mo.get('/admin/queue')).text()).includes(`/admin/petitions/${approved}"`));
    });

    test('rejecting needs a reason, which the organiser receives; a decided petition cannot be decided again', async () => {
      const slug = await startAndConfirmPetition(organiser, smtp, 'oli@example.org', 'Free parking for everyone forever');
      const review = `/admin/petitions/${slug}`;
      assert.equal((await mo.submit(review, `${review}/reject`, { reason: '   ' })).status, 422);
      const reason = 'Petitions must be addressed to someone who can act on them.';
      assert.equal((await mo.submit(review, `${review}/reject`, { reason })).status, 303);
      assert.equal(await stateOf(server, slug), 'rejected');
      assert.equal((await server.request(`/petitions/${slug}`)).status, 404);
      assert.ok(((await mailTo(smtp, 'oli@example.org', /was not approved/)).text ?? '').includes(reason));
      const again = await mo.post(`${review}/approve`, { _csrf: csrfToken(await (await mo.get('/admin/queue')).text()) });
      assert.equal(again.status, 409);
      assert.equal(await stateOf(server, slug), 'rejected');
    });

    test('every admin form without its CSRF token is refused and changes nothing', async () => {
      const slug = await startAndConfirmPetition(organiser, smtp, 'oli@example.org', 'A bench at the bus stop');
      await server.store.createReport({ petitionId: (await server.store.findPetitionBySlug(slug))!.id, reason: 'spam', details: null, at: clock() });
      for (const action of ['approve', 'reject', 'hide', 'dismiss-reports']) {
        assert.equal((await mo.post(`/admin/petitions/${slug}/${action}`, { reason: 'no token' })).status, 403, action);
      }
      assert.equal(await stateOf(server, slug), 'pending');
      assert.equal((await server.store.listReports((await server.store.findPetitionBySlug(slug))!.id))[0]!.resolution, null);
      assert.equal((await admin.post('/admin/settings', { signingPaused: 'yes', banner: 'forged' })).status, 403);
      assert.deepEqual(await server.store.readSiteSettings(), {});
      assert.equal((await mo.post('/admin/sign-out', {})).status, 403);
      assert.equal((await mo.get('/admin/queue')).status, 200, 'still signed in');
      assert.equal((await mo.submit(`/admin/petitions/${slug}`, `/admin/petitions/${slug}/dismiss-reports`)).status, 303, 'with the token, it works');
      assert.equal((await mo.submit('/admin/queue', '/admin/settings', { signingPaused: 'yes' })).status, 403, 'settings are for administrators');
    });

    // Routes declare their switch (config.pause); a new way in to signing or starting that forgets it fails here.
    test('every way in to signing or to starting something is paused by its switch, and nothing else is', () => {
      const guarded = server.app.guardedRoutes.map((r) => `${r.pause}: ${r.method} ${r.url}`).sort();
      assert.deepEqual(guarded, [
        'signing: POST /api/v1/petitions/:slug/signatures',
        'signing: POST /petitions/:slug/signatures',
        'starting: GET /campaigns/:slug/start',
        'starting: GET /campaigns/new',
        'starting: GET /petitions/new',
        'starting: POST /api/v1/campaigns',
        'starting: POST /api/v1/petitions',
        'starting: POST /campaigns/:slug/start',
        'starting: POST /campaigns/new',
        'starting: POST /petitions/new',
      ]);
    });

    test('pausing signing replaces the form with a notice and the API answers 503; resuming restores both', async () => {
      const settings = (fields: Record<string, string>) => admin.submit('/admin/settings', '/admin/settings', fields);
      const { slug } = await createPetitionViaApi(server, { title: 'Keep the library open late' });
      assert.equal((await settings({ signingPaused: 'yes' })).status, 303);
      const page = await (await server.request(`/petitions/${slug}`)).text();
      assert.ok(!page.includes(`action="/petitions/${slug}/signatures"`));
      assert.match(page, /Signing is paused on the whole site/);
      const api = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Sam', email: 'sam@example.org' });
      assert.equal(api.status, 503);
      assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'SIGNING_PAUSED');
      assert.equal((await new WebClient(server, '10.1.9.9').post(`/petitions/${slug}/signatures`, { name: 'Sam', email: 'sam@example.org' })).status, 503);
      assert.equal(await server.store.countSignatures((await server.store.findPetitionBySlug(slug))!.id, 'pending'), 0);

      assert.equal((await settings({})).status, 303);
      assert.ok((await (await server.request(`/petitions/${slug}`)).text()).includes(`action="/petitions/${slug}/signatures"`));
      assert.equal((await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Sam', email: 'sam@example.org' })).status, 202);
    });

    test('pausing starting petitions closes the start form and the API with 503', async () => {
      assert.equal((await admin.submit('/admin/settings', '/admin/settings', { startingPaused: 'yes' })).status, 303);
      assert.equal((await server.request('/petitions/new')).status, 503);
      const api = await server.postJson('/api/v1/petitions', { title: 'Paused', target: 'T', body: 'b', why: 'w' }, { authorization: `Bearer ${await server.adminToken()}` });
      assert.equal(api.status, 503);
      assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'STARTING_PAUSED');
      assert.equal((await admin.submit('/admin/settings', '/admin/settings', {})).status, 303);
      assert.equal((await server.request('/petitions/new')).status, 200);
    });

    test('the banner shows, escaped, on every page until it is cleared; each change is audited', async () => {
      const banner = 'Planned maintenance tonight <22:00 UTC> & tomorrow';
      assert.equal((await admin.submit('/admin/settings', '/admin/settings', { banner })).status, 303);
      const escaped = 'Planned maintenance tonight &lt;22:00 UTC> &amp; tomorrow';
      for (const path of ['/', '/petitions', `/petitions/${approved}`, '/no-such-page', '/admin/sign-in']) {
        assert.ok((await (await server.request(path)).text()).includes(escaped), path);
      }
      assert.ok((await (await admin.get('/admin/queue')).text()).includes(escaped));
      assert.equal((await admin.submit('/admin/settings', '/admin/settings', { banner: '' })).status, 303);
      assert.ok(!(await (await server.request('/')).text()).includes('Planned maintenance'));
      const audit = await (await admin.get('/admin/audit')).text();
      for (const change of ['signing paused', 'signing resumed', 'starting petitions paused', 'banner removed']) assert.ok(audit.includes(change), change);
    });
  });
}
