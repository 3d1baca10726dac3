import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import type { TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import type { SmtpSink } from '../support/smtp.ts';
import { testEngines } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';
import { WebClient, startAndConfirmPetition } from '../support/web-client.ts';
import { createAdmin } from '../../src/services/accounts.ts';
import { hashSecret } from '../../src/services/tokens.ts';
import { forgetPersonalData } from '../../src/jobs/forget-personal-data.ts';

const ADMIN = { email: 'ada@example.org', password: 'admin passphrase of some length' };
const NADIA = 'nadia@example.org';
const DAY_MS = 86_400_000;

const to = (m: ParsedMail) => JSON.stringify(m.to);
const signInLink = (m: ParsedMail) => new URL(((m.text ?? '').match(/https?:\/\/\S+/g) ?? []).find((l) => l.includes('/auth/'))!).pathname;

for (const { engine, skip, create } of await testEngines()) {
  describe(`organiser sessions from magic links (${engine})`, { skip }, () => {
    let site: Site;
    let smtp: SmtpSink;
    let server: TestServer;
    const clock = fixedClock('2026-11-28T10:00:00Z');
    let nadia: WebClient;
    let ada: WebClient;
    let nadiasSlug = '';
    let adasSlug = '';

    /** Signs a browser in by "email me a link" and following the newest link mailed to `email`. */
    async function signInByLink(client: WebClient, email: string): Promise<void> {
      const seen = smtp.messages.length;
      assert.equal((await client.post('/sign-in', { email })).status, 200);
      const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= seen && to(m).includes(email) && m.subject === 'Your link to sign in to Undersign');
      const res = await client.post(signInLink(mail), {});
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/manage');
    }

    /** Requests with exactly this Cookie header, as someone replaying a copied cookie would. */
    const withCookie = (path: string, cookie: string) => server.request(path, { headers: { cookie } });

    before(async () => {
      site = await openSite({ database: create, smtp: true, env: { MODERATION: 'post', TRUST_PROXY: '127.0.0.1' }, clock });
      ({ smtp, server } = site);
      await createAdmin(server.store, ADMIN.email, ADMIN.password, clock());
      nadia = new WebClient(server, '10.3.0.1');
      ada = new WebClient(server, '10.3.0.2');
      nadiasSlug = await startAndConfirmPetition(nadia, smtp, NADIA, 'Safer crossings on Otley Road');
      // The administrator starts a petition of her own from her mailbox, like anyone: a magic-link session.
      adasSlug = await startAndConfirmPetition(ada, smtp, ADMIN.email, 'Benches on Woodhouse Moor');
      assert.equal((await server.store.findUserByEmail(ADMIN.email))?.role, 'admin', 'still an administrator');
    });
    after(() => site?.close());

    test('an administrator’s magic-link session manages her own petition and no one else’s', async () => {
      for (const path of ['manage', 'signatures.csv', 'print']) {
        assert.equal((await ada.get(`/petitions/${adasSlug}/${path}`)).status, 200, `her own ${path}`);
        const res = await ada.get(`/petitions/${nadiasSlug}/${path}`);
        assert.equal(res.status, 403, `another organiser’s ${path}`);
        const body = await res.text();
        assert.ok(!body.includes('/manage/updates') && !body.includes('Name,Postcode or country'), `nothing of ${path} is shown`);
      }
      const myPetitions = await (await ada.get('/manage')).text();
      assert.ok(myPetitions.includes(`/petitions/${adasSlug}/manage`) && !myPetitions.includes(`/petitions/${nadiasSlug}/manage`));

      const token = await ada.tokenFrom(`/petitions/${adasSlug}/manage`);
      for (const action of ['updates', 'victory', 'close']) {
        const res = await ada.post(`/petitions/${nadiasSlug}/manage/${action}`, { _csrf: token, text: 'Posted by someone else' });
        assert.equal(res.status, 403, action);
      }
      const nadias = await (await server.request(`/api/v1/petitions/${nadiasSlug}`)).json();
      assert.equal(nadias.state, 'open');
      assert.deepEqual(nadias.updates, []);
    });

    test('staff still act on anyone’s petition in /admin, behind a password', async () => {
      assert.equal((await ada.get(`/admin/petitions/${nadiasSlug}`)).status, 303, 'the magic-link session does not open /admin');
      assert.equal((await ada.signIn(ADMIN.email, ADMIN.password)).status, 303);
      const review = await ada.get(`/admin/petitions/${nadiasSlug}`);
      assert.equal(review.status, 200);
      assert.match(await review.text(), /Safer crossings on Otley Road/);
    });

    test('the cookie holds a random token; the database keeps only its hash and expiry', async () => {
      const raw = /us_session=([^;]+)/.exec(nadia.jar.header())![1]!;
      const token = server.app.unsignCookie(decodeURIComponent(raw));
      assert.ok(token.valid && token.value);
      assert.doesNotMatch(token.value, /^\d+\./, 'no user id in the cookie');
      const nadiaId = (await server.store.findUserByEmail(NADIA))!.id;
      assert.equal((await server.store.findUserByOrganiserSession(hashSecret(token.value), clock()))?.id, nadiaId);
      assert.equal(await server.store.findUserByOrganiserSession(hashSecret(token.value), new Date(clock().getTime() + 14 * DAY_MS)), undefined, 'it runs out in 14 days');
    });

    test('after signing out, replaying the old cookie opens nothing; her other browser stays signed in', async () => {
      const laptop = new WebClient(server, '10.3.0.3');
      await signInByLink(laptop, NADIA);
      const copied = nadia.jar.header();
      assert.equal((await withCookie(`/petitions/${nadiasSlug}/manage`, copied)).status, 200, 'the copy works while the session lives');

      const out = await nadia.submit('/manage', '/sign-out');
      assert.equal(out.status, 303);
      assert.ok(!nadia.jar.has('us_session'), 'the browser’s cookie is cleared');
      for (const path of ['/manage', `/petitions/${nadiasSlug}/manage`, `/petitions/${nadiasSlug}/signatures.csv`, `/petitions/${nadiasSlug}/print`]) {
        const replay = await withCookie(path, copied);
        assert.equal(replay.status, 303, `${path} with the signed-out cookie`);
        assert.equal(replay.headers.get('location'), '/sign-in');
      }
      assert.equal((await laptop.get(`/petitions/${nadiasSlug}/manage`)).status, 200, 'signing out one browser leaves the others');
    });

    test('a signed cookie of the old form ("userId.expiry") no longer signs anyone in', async () => {
      const nadiaId = (await server.store.findUserByEmail(NADIA))!.id;
      const old = `us_session=${encodeURIComponent(server.app.signCookie(`${nadiaId}.${clock().getTime() + 7 * DAY_MS}`))}`;
      assert.equal((await withCookie('/manage', old)).status, 303);
      assert.equal((await withCookie(`/petitions/${nadiasSlug}/manage`, old)).status, 303);
    });

    test('a session ends by itself 14 days after the link was followed', async () => {
      const phone = new WebClient(server, '10.3.0.4');
      await signInByLink(phone, NADIA);
      clock.advance(14 * DAY_MS - 60_000);
      assert.equal((await phone.get('/manage')).status, 200);
      clock.advance(60_000);
      const res = await phone.get('/manage');
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/sign-in');
      // The hourly job deletes the rows that ran out: Ada's, the laptop's and the phone's (Nadia's first ended at sign-out).
      assert.equal((await forgetPersonalData({ store: server.store, clock, anonymiseAfterDays: 183 })).sessions, 3);
      assert.equal((await forgetPersonalData({ store: server.store, clock, anonymiseAfterDays: 183 })).sessions, 0);
    });
  });
}
