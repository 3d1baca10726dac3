import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { testEngines } from '../support/engines.ts';
import { WebClient } from '../support/web-client.ts';
import { createAdmin, createModerator } from '../../src/services/accounts.ts';

const ADMIN = { email: 'ada@example.org', password: 'admin passphrase of some length' };
const MODERATOR = { email: 'mo@example.org', password: 'moderator passphrase, long enough' };

const count = async (server: TestServer, slug: string): Promise<number> => (await (await server.request(`/api/v1/petitions/${slug}/count`)).json()).signatureCount;

/** Signatures from one client address, each a different real-looking mailbox. */
async function signFrom(server: TestServer, slug: string, ip: string, n: number, tag: string): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Sam Signer', email: `${tag}${i}@gmail.com` }, { 'x-forwarded-for': ip });
    assert.equal(res.status, 201);
  }
}

for (const { engine, skip, create } of await testEngines()) {
  describe(`staff deal with signing alerts and sessions in the admin area (${engine})`, { skip }, () => {
    let site: Site;
    let server: TestServer;
    let mo: WebClient;
    let ada: WebClient;

    before(async () => {
      site = await openSite({ database: create, env: { SIGNATURE_CONFIRMATION: 'none', RATE_LIMIT: 'on', SIGN_LIMIT_PER_ADDRESS: '3', TRUST_PROXY: '127.0.0.1' } });
      ({ server } = site);
      await createAdmin(server.store, ADMIN.email, ADMIN.password, new Date());
      await createModerator(server.store, MODERATOR.email, MODERATOR.password, new Date());
      mo = new WebClient(server, '10.1.0.2');
      ada = new WebClient(server, '10.1.0.1');
      assert.equal((await mo.signIn(MODERATOR.email, MODERATOR.password)).status, 303);
      assert.equal((await ada.signIn(ADMIN.email, ADMIN.password)).status, 303);
    });
    after(() => site?.close());

    test('without a staff session, the new pages send people to sign in', async () => {
      const visitor = new WebClient(server, '10.1.0.9');
      for (const path of ['/admin/alerts', '/admin/invalidate', '/admin/staff']) {
        const res = await visitor.get(path);
        assert.equal(res.status, 303, path);
        assert.equal(res.headers.get('location'), '/admin/sign-in');
      }
      assert.equal((await visitor.post('/admin/invalidate/apply', { domain: 'gmail.com' })).status, 303, 'a post without a session changes nothing');
    });

    test('a script signs from one address: the moderator previews, then invalidates what the alert points at', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Reopen the swimming baths' });
      await signFrom(server, slug, '198.51.100.7', 5, 'script');
      await signFrom(server, slug, '203.0.113.20', 2, 'neighbour');
      assert.equal(await count(server, slug), 5, 'three from the script and two neighbours count; two flagged');

      const alerts = await (await mo.get('/admin/alerts')).text();
      assert.ok(alerts.includes('Reopen the swimming baths'));
      assert.match(alerts, /One internet address/);
      assert.ok(!alerts.includes('198.51.100.7'), 'the address is never shown: only its keyed hash is kept');
      const investigate = /href="(\/admin\/invalidate\?alert=(\d+))"/.exec(alerts);
      assert.ok(investigate, 'the alert links to the invalidation form');
      const alertId = investigate[2]!;

      const form = await (await mo.get(investigate[1]!)).text();
      assert.ok(form.includes(`name="alert" value="${alertId}"`));
      const preview = await mo.submit(investigate[1]!, '/admin/invalidate', { alert: alertId });
      assert.equal(preview.status, 200);
      const previewText = await preview.text();
      assert.match(previewText, /<strong>5<\/strong> signatures, of which 3 count now/);
      assert.match(previewText, /Invalidate 5 signatures/);
      assert.equal(await count(server, slug), 5, 'a preview changes nothing');

      assert.equal((await mo.post('/admin/invalidate/apply', { alert: alertId })).status, 403, 'no CSRF token');
      const applied = await mo.submit('/admin/invalidate', '/admin/invalidate/apply', { alert: alertId });
      assert.equal(applied.status, 303);
      assert.equal(applied.headers.get('location'), '/admin/invalidate?done=5');
      assert.match(await (await mo.get('/admin/invalidate?done=5')).text(), /Invalidated 5 signatures/);
      assert.equal(await count(server, slug), 2, 'recounted exactly: the neighbours remain');

      const audit = await (await ada.get('/admin/audit')).text();
      assert.match(audit, new RegExp(`Invalidated signatures[\\s\\S]*from the address of alert ${alertId}[\\s\\S]*5 invalidated`));
    });

    test('the form refuses criteria it cannot use, with field messages, and keeps what was typed', async () => {
      const empty = await mo.submit('/admin/invalidate', '/admin/invalidate', {});
      assert.equal(empty.status, 422);
      assert.match(await empty.text(), /Give an address, a domain or a time window/);
      const bad = await mo.submit('/admin/invalidate', '/admin/invalidate', { domain: 'not a domain', address: '999.1.1.1', from: '2026-11-28T14:00', to: '2026-11-28T13:00' });
      assert.equal(bad.status, 422);
      const text = await bad.text();
      assert.match(text, /Enter a domain like example\.org\./);
      assert.match(text, /Enter an IPv4 or IPv6 address/);
      assert.match(text, /To must be after From\./);
      assert.ok(text.includes('value="not a domain"'), 'what was typed comes back');
      const unknownAlert = await mo.submit('/admin/invalidate', '/admin/invalidate', { alert: '999999' });
      assert.equal(unknownAlert.status, 422);
      assert.match(await unknownAlert.text(), /There is no signing alert 999999\./);
    });

    test('a campus signing from one address: the moderator counts the flagged signatures and resolves the alert', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Longer library hours at exam time' });
      await signFrom(server, slug, '192.0.2.44', 6, 'student');
      assert.equal(await count(server, slug), 3);
      const alerts = await (await mo.get('/admin/alerts')).text();
      assert.ok(alerts.includes(`action="/admin/petitions/${slug}/count-flagged"`));

      const counted = await mo.submit('/admin/alerts', `/admin/petitions/${slug}/count-flagged`);
      assert.equal(counted.status, 303);
      assert.equal(await count(server, slug), 6);

      const alertId = new RegExp(`/admin/alerts/(\\d+)/resolve`).exec(alerts.slice(alerts.indexOf('Longer library hours')))?.[1];
      assert.ok(alertId);
      assert.equal((await mo.submit('/admin/alerts', `/admin/alerts/${alertId}/resolve`)).status, 303);
      assert.ok(!(await (await mo.get('/admin/alerts')).text()).includes('Longer library hours'), 'resolved: off the list');
      assert.equal((await mo.submit('/admin/alerts', `/admin/alerts/${alertId}/resolve`)).status, 404, 'resolving twice finds nothing open');

      const rows = await server.store.listModerationActions({ limit: 5, before: null });
      assert.deepEqual(rows.slice(0, 2).map((r) => [r.action, r.userEmail, r.petition?.slug]), [['resolve-alert', MODERATOR.email, slug], ['clear-flags', MODERATOR.email, slug]]);
      assert.equal(rows[1]!.reason, 'Flagged signatures now count: 3 → 6');
    });

    test('sessions live on the server: signing out kills a copied cookie, and an administrator can end anyone’s', async () => {
      // A cookie copied from a browser stops working once that browser signs out.
      const laptop = new WebClient(server, '10.1.0.3');
      assert.equal((await laptop.signIn(MODERATOR.email, MODERATOR.password)).status, 303);
      const copied = laptop.jar.header();
      assert.equal((await laptop.submit('/admin/queue', '/admin/sign-out')).status, 303);
      assert.equal((await server.request('/admin/queue', { headers: { cookie: copied } })).status, 303);

      const staffPage = await (await ada.get('/admin/staff')).text();
      assert.match(staffPage, /mo@example\.org<\/td><td>moderator<\/td><td>1<\/td>/, 'the moderator has one browser signed in');
      const moRow = staffPage.split('<tr>').find((row) => row.includes(`${MODERATOR.email}</td>`)) ?? '';
      const moId = /action="\/admin\/staff\/(\d+)\/end-sessions"/.exec(moRow)?.[1];
      assert.match(moRow, /End mo@example\.org’s sessions/);
      assert.ok(moId, 'an end-sessions button for the moderator');

      const ownPage = await (await mo.get('/admin/staff')).text();
      assert.match(ownPage, /Your sessions/);
      assert.ok(!ownPage.includes(ADMIN.email + '</td>'), 'a moderator sees only their own sessions');
      const adaId = (await server.store.findUserByEmail(ADMIN.email))!.id;
      assert.equal((await mo.submit('/admin/staff', `/admin/staff/${adaId}/end-sessions`)).status, 403, 'a moderator cannot end an administrator’s sessions');

      assert.equal((await ada.submit('/admin/staff', `/admin/staff/${moId}/end-sessions`)).status, 303);
      const after = await mo.get('/admin/queue');
      assert.equal(after.status, 303, 'the moderator is signed out at once');
      assert.equal(after.headers.get('location'), '/admin/sign-in');

      // "Sign out everywhere": both of the administrator's browsers.
      const phone = new WebClient(server, '10.1.0.4');
      assert.equal((await phone.signIn(ADMIN.email, ADMIN.password)).status, 303);
      const everywhere = await ada.submit('/admin/staff', `/admin/staff/${adaId}/end-sessions`);
      assert.equal(everywhere.headers.get('location'), '/admin/sign-in?done=signed-out');
      assert.equal((await phone.get('/admin/queue')).status, 303);
      assert.equal((await ada.get('/admin/queue')).status, 303);

      const actions = await server.store.listModerationActions({ limit: 2, before: null });
      assert.deepEqual(actions.map((a) => [a.action, a.reason]), [['end-sessions', `${ADMIN.email}: 2 sessions ended`], ['end-sessions', `${MODERATOR.email}: 1 session ended`]]);
    });
  });
}
