import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import type { SmtpSink } from '../support/smtp.ts';
import { testEngines } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';
import { WebClient, startAndConfirmPetition } from '../support/web-client.ts';
import { createAdmin, createModerator } from '../../src/services/accounts.ts';

const ADMIN = { email: 'ada@example.org', password: 'admin passphrase of some length' };
const MODERATOR = { email: 'mo@example.org', password: 'moderator passphrase, long enough' };
const FAILED = 'The email address or the password is not right.';

/** The page without what legitimately differs between two answers: the CSRF token and the typed address. */
const comparable = (html: string, email: string) => html.replace(/name="_csrf" value="[^"]+"/, '').replaceAll(email, 'EMAIL');
const slugsIn = async (res: Response) => ((await res.json()) as { data: Array<{ slug: string }> }).data.map((p) => p.slug);

for (const { engine, skip, create } of await testEngines()) {
  describe(`Mo moderates a reported petition (${engine})`, { skip }, () => {
    let site: Site;
    let smtp: SmtpSink;
    let server: TestServer;
    const clock = fixedClock('2026-11-28T10:00:00Z');
    let admin: WebClient;
    let mo: WebClient;
    let nadia: WebClient;
    let slug = '';

    before(async () => {
      site = await openSite({ database: create, smtp: true, env: { MODERATION: 'post', TRUST_PROXY: '127.0.0.1' }, clock });
      ({ smtp, server } = site);
      await createAdmin(server.store, ADMIN.email, ADMIN.password, clock());
      await createModerator(server.store, MODERATOR.email, MODERATOR.password, clock());
      admin = new WebClient(server, '10.0.0.1');
      mo = new WebClient(server, '10.0.0.2');
    });
    after(() => site?.close());

    test('without a staff session the admin area sends people to sign in, and the staff API answers 401', async () => {
      const visitor = new WebClient(server, '10.0.0.9');
      for (const path of ['/admin', '/admin/queue', '/admin/audit', '/admin/settings', '/admin/petitions/anything']) {
        const res = await visitor.get(path);
        assert.equal(res.status, 303, path);
        assert.equal(res.headers.get('location'), '/admin/sign-in', path);
      }
      assert.equal((await visitor.post('/admin/petitions/anything/hide', { reason: 'x' })).status, 303);
      const api = await server.request('/api/v1/admin/signing-alerts');
      assert.equal(api.status, 401);
      assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    });

    test('an unknown address and a wrong password get the same answer; the sixth try at one account is refused', async () => {
      const guesser = new WebClient(server, '10.0.1.1');
      const noToken = await guesser.post('/admin/sign-in', { email: ADMIN.email, password: ADMIN.password });
      assert.equal(noToken.status, 403, 'no CSRF token, no sign-in');
      const wrong = await guesser.signIn(ADMIN.email, 'not the password at all');
      const unknown = await guesser.signIn('nobody@example.org', 'not the password at all');
      assert.equal(wrong.status, 422);
      assert.equal(unknown.status, 422);
      const [wrongPage, unknownPage] = [await wrong.text(), await unknown.text()];
      assert.ok(wrongPage.includes(FAILED));
      assert.equal(comparable(wrongPage, ADMIN.email), comparable(unknownPage, 'nobody@example.org'));
      assert.ok(!wrongPage.includes('not the password at all'), 'the password is never sent back');

      for (let i = 0; i < 4; i++) assert.equal((await guesser.signIn(ADMIN.email, `guess ${i}`)).status, 422);
      const sixth = await guesser.signIn(ADMIN.email, ADMIN.password);
      assert.equal(sixth.status, 429, 'five tries at one account from one address, then even the right password waits there');
      assert.match(await sixth.text(), /Too many attempts to sign in\. Wait 15 minutes/);
      assert.ok(!guesser.jar.has('us_staff'));
      // The limits per address and per account, and the owner signing in from elsewhere meanwhile
      // (decision 0030), are in staff-sign-in-limits.test.ts.

      clock.advance(16 * 60_000);
      const later = await new WebClient(server, '10.0.1.1').signIn(ADMIN.email, ADMIN.password);
      assert.equal(later.status, 303, 'after the window, the right password works again');
    });

    test('staff sign in; a moderator cannot read the audit log or change settings', async () => {
      for (const [client, who] of [[admin, ADMIN], [mo, MODERATOR]] as const) {
        const res = await client.signIn(who.email, who.password);
        assert.equal(res.status, 303);
        assert.equal(res.headers.get('location'), '/admin/queue');
        const cookie = res.headers.getSetCookie().find((c) => c.startsWith('us_staff='))!;
        assert.match(cookie, /HttpOnly/i);
        assert.match(cookie, /Path=\/admin/);
        assert.match(cookie, /Expires=Sat, 28 Nov 2026 22:16:00 GMT/, 'a staff session lasts 12 hours');
      }
      assert.equal((await mo.get('/admin/queue')).status, 200);
      assert.equal((await mo.get('/admin/audit')).status, 403);
      assert.equal((await mo.get('/admin/settings')).status, 403);
      assert.equal((await admin.get('/admin/audit')).status, 200);
    });

    test('a new petition is live by link but unlisted until a moderator approves it', async () => {
      nadia = new WebClient(server, '10.0.3.1');
      slug = await startAndConfirmPetition(nadia, smtp, 'nadia@example.org', 'Safer crossings on Otley Road');
      assert.equal((await server.request(`/petitions/${slug}`)).status, 200);
      assert.ok(!(await slugsIn(await server.request('/api/v1/petitions'))).includes(slug));
      const queue = await (await mo.get('/admin/queue')).text();
      assert.ok(queue.includes(`href="/admin/petitions/${slug}"`));
      assert.match(queue, /Live by link, not listed yet/);

      assert.equal((await mo.submit(`/admin/petitions/${slug}`, `/admin/petitions/${slug}/approve`)).status, 303);
      assert.ok((await slugsIn(await server.request('/api/v1/petitions'))).includes(slug));
      assert.ok((await (await server.request('/')).text()).includes(`/petitions/${slug}"`));
      assert.ok(!(await (await mo.get('/admin/queue')).text()).includes(`/admin/petitions/${slug}"`), 'reviewed: out of the queue');
    });

    test('a reader reports it; the report waits in the queue with its reason', async () => {
      const reader = new WebClient(server, '10.0.4.1');
      const page = await (await reader.get(`/petitions/${slug}`)).text();
      assert.ok(page.includes(`href="/petitions/${slug}/report"`), 'the petition page links to the report form');
      assert.equal((await reader.get(`/petitions/${slug}/report`)).status, 200);
      const incomplete = await reader.post(`/petitions/${slug}/report`, { details: 'It names my neighbour.' });
      assert.equal(incomplete.status, 422);
      const form = await incomplete.text();
      assert.match(form, /Choose what is wrong with it/);
      assert.match(form, /It names my neighbour\.<\/textarea>/, 'what the reader typed is kept');
      const crossSite = await reader.post(`/petitions/${slug}/report`, { reason: 'spam' }, { origin: 'https://evil.example' });
      assert.equal(crossSite.status, 403);
      const sent = await reader.post(`/petitions/${slug}/report`, { reason: 'harassment', details: 'It names my neighbour.' });
      assert.equal(sent.status, 303);
      assert.equal(sent.headers.get('location'), `/petitions/${slug}/report/sent`);
      assert.match(await (await reader.get(`/petitions/${slug}/report/sent`)).text(), /Thank you for your report/);

      const queue = await (await mo.get('/admin/queue')).text();
      assert.match(queue, /Reported by readers \(1\)/, 'one report: the cross-site one was refused');
      const review = await (await mo.get(`/admin/petitions/${slug}`)).text();
      assert.match(review, /Targets or harasses a private person/);
      assert.match(review, /It names my neighbour\./);
    });

    test('the moderator hides it with a reason: it leaves every list, readers get 410, the organiser is told', async () => {
      const review = `/admin/petitions/${slug}`;
      assert.equal((await mo.post(`${review}/hide`, { reason: 'No CSRF token' })).status, 403);
      const noReason = await mo.submit(review, `${review}/hide`, { reason: '' });
      assert.equal(noReason.status, 422);
      assert.match(await noReason.text(), /Enter the reason/);
      assert.equal(((await (await server.request(`/api/v1/petitions/${slug}`)).json()) as { state: string }).state, 'open', 'refused forms changed nothing');

      const reason = 'It names a private person. We do not host petitions that target individuals.';
      assert.equal((await mo.submit(review, `${review}/hide`, { reason })).status, 303);

      assert.ok(!(await slugsIn(await server.request('/api/v1/petitions'))).includes(slug));
      assert.ok(!(await (await server.request('/')).text()).includes(`/petitions/${slug}"`));
      assert.ok(!(await (await server.request('/petitions')).text()).includes(`/petitions/${slug}"`));
      assert.equal((await server.request(`/api/v1/petitions/${slug}`)).status, 404);
      const gone = await server.request(`/petitions/${slug}`);
      assert.equal(gone.status, 410);
      const goneText = await gone.text();
      assert.ok(goneText.includes(reason), 'readers see why');
      assert.ok(!goneText.includes('Safer crossings'), 'but not the words that were taken down');
      assert.equal((await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Late', email: 'late@example.org' })).status, 404);

      const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('nadia@example.org') && /taken down/.test(m.subject ?? ''));
      assert.ok((mail.text ?? '').includes(reason));
      assert.ok(!(await (await mo.get('/admin/queue')).text()).includes(`${review}"`), 'its report is dealt with');
    });

    test('the organiser rewords the hidden petition; it comes back to the queue, and a moderator restores it', async () => {
      const manage = `/petitions/${slug}/manage`;
      assert.match(await (await nadia.get(manage)).text(), /Taken down by a moderator/);
      clock.advance(60_000);
      const edited = await nadia.submit(manage, `${manage}/edit`, {
        kind: 'petition', target: 'Leeds City Council', title: 'Safer crossings on Otley Road', body: 'Add a zebra crossing by the school.', why: 'Children cross there every morning.',
      });
      assert.equal(edited.status, 303);
      const review = `/admin/petitions/${slug}`;
      const queue = await (await mo.get('/admin/queue')).text();
      assert.ok(queue.includes(`href="${review}"`), 'back in the queue');
      assert.match(queue, /Its words changed since the last review/);
      const page = await (await mo.get(review)).text();
      assert.match(page, /hidden \(was open\)/);
      assert.match(page, /Restore it: open and listed again/);
      assert.ok(!page.includes(`action="${review}/approve"`), 'a hidden petition is restored, not approved');
      assert.equal((await mo.post(`${review}/restore`, {})).status, 403, 'no CSRF token');
      clock.advance(60_000);

      assert.equal((await mo.submit(review, `${review}/restore`, { reason: 'Thank you for removing the name.' })).status, 303);
      assert.equal((await server.request(`/petitions/${slug}`)).status, 200);
      assert.ok((await slugsIn(await server.request('/api/v1/petitions'))).includes(slug), 'listed again');
      assert.equal((await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Back', email: 'back@example.org' })).status, 202, 'open again: it was open when hidden');
      const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('nadia@example.org') && /is back/.test(m.subject ?? ''));
      assert.ok((mail.text ?? '').includes('Thank you for removing the name.'));
      assert.ok(!(await (await mo.get('/admin/queue')).text()).includes(`href="${review}"`), 'reviewed: out of the queue');
      assert.equal((await mo.submit(review, `${review}/restore`, {})).status, 409, 'a second restore finds it already public');
    });

    test('the audit log lists the decisions, who made them and why', async () => {
      const audit = await (await admin.get('/admin/audit')).text();
      assert.match(audit, /Hid/);
      assert.match(audit, /Approved/);
      assert.ok(audit.includes(MODERATOR.email));
      assert.ok(audit.includes('It names a private person.'));
      const rows = await server.store.listModerationActions({ limit: 10, before: null });
      assert.deepEqual(rows.map((r) => [r.action, r.userEmail, r.petition?.slug]), [['restore', MODERATOR.email, slug], ['hide', MODERATOR.email, slug], ['approve', MODERATOR.email, slug]]);
      assert.match(audit, /Restored/);
    });

    test('signing out ends the session; a new password ends the old ones', async () => {
      assert.equal((await admin.submit('/admin/queue', '/admin/sign-out')).status, 303);
      assert.equal((await admin.get('/admin/queue')).status, 303);
      const stolen = mo.jar.header();
      await createModerator(server.store, MODERATOR.email, 'a brand new moderator passphrase', clock());
      assert.equal((await server.request('/admin/queue', { headers: { cookie: stolen } })).status, 303);
    });
  });
}
