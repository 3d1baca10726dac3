import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnServer } from '../support/child-server.ts';
import { sqliteDatabase } from '../support/engines.ts';
import { CookieJar, csrfToken, formBody } from '../support/cookie-jar.ts';

const CLIENT = '203.0.113.7';

/**
 * Issue 14, items 2 and 3: a real server at LOG_LEVEL=info, behind a trusted proxy, used through every
 * kind of secret link. Its log shows each request, but no link secret and no client address.
 */
describe('the request log holds no link secret and no client address', () => {
  test('sign-in, confirmation, your-signature and unsubscribe links leave only their route in the log', { timeout: 90_000 }, async () => {
    const db = sqliteDatabase();
    const server = await spawnServer({ DATABASE_URL: db.url, DEMO: '0', LOG_LEVEL: 'info', SIGNATURE_CONFIRMATION: 'email', TRUST_PROXY: '127.0.0.1' });
    const base = server.url;
    const jar = new CookieJar();
    const secrets: string[] = [];
    // Every request comes through "the proxy", naming the real client.
    const browse = async (path: string, init: RequestInit = {}) =>
      jar.store(await fetch(`${base}${path}`, { redirect: 'manual', ...init, headers: { cookie: jar.header(), origin: base, 'x-forwarded-for': CLIENT, ...(init.headers ?? {}) } }));
    const postForm = (path: string, fields: Record<string, string>) =>
      browse(path, { method: 'POST', body: formBody(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const mailTo = async (to: string, part: string, seen = 0): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const mails = (await (await fetch(`${base}/dev/outbox.json`)).json()) as Array<{ to: string; text: string }>;
        const links = mails.filter((m) => m.to.toLowerCase().includes(to)).flatMap((m) => m.text.match(/https?:\/\/\S+/g) ?? []).filter((l) => l.includes(part));
        if (links.length > seen) return new URL(links[links.length - 1]!).pathname;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no ${part} mail to ${to}: ${server.output()}`);
    };
    const lastSegments = (path: string, n: number) => secrets.push(...path.split('/').slice(-n));
    try {
      // The organiser starts a petition and follows its magic link.
      const started = await postForm('/petitions/new', {
        kind: 'pledge', target: 'Head teachers of Leeds', title: 'Walk to school on Fridays', body: 'We pledge to walk our children to school every Friday.',
        why: 'Cleaner air.', category: 'transport', location: 'Leeds, UK', closesAt: '2099-01-31', organiserName: 'Nadia', organiserEmail: 'nadia@example.org',
      });
      assert.equal(started.status, 303);
      const auth = await mailTo('nadia@example.org', '/auth/');
      lastSegments(auth, 1);
      assert.equal((await browse(auth)).status, 200);
      assert.equal((await postForm(auth, {})).status, 303);
      const slug = 'walk-to-school-on-fridays';

      // Later she signs in again from /sign-in.
      assert.equal((await postForm('/sign-in', { email: 'nadia@example.org' })).status < 400, true);
      const signIn = await mailTo('nadia@example.org', '/auth/', 1);
      lastSegments(signIn, 1);
      assert.equal((await browse(signIn)).status, 200);
      // A mangled link (a mail client appended to it) matches no route: still redacted.
      assert.equal((await browse(`${signIn}/extra?x=1`)).status, 404);

      // A signer confirms, looks at their signature, and later unsubscribes from updates.
      assert.equal((await postForm(`/petitions/${slug}/signatures`, { name: 'Keen Signer', email: 'keen@example.org', consent: 'yes' })).status, 303);
      const confirm = await mailTo('keen@example.org', '/signatures/confirm/');
      lastSegments(confirm, 1);
      const thanks = await browse(confirm);
      assert.equal(thanks.status, 200);
      const yours = /\/signatures\/yours\/[^"/]+/.exec(await thanks.text())![0];
      lastSegments(yours, 1);
      assert.equal((await browse(yours)).status, 200);

      const manage = await (await browse(`/petitions/${slug}/manage`)).text();
      assert.equal((await postForm(`/petitions/${slug}/manage/updates`, { _csrf: csrfToken(manage), text: 'The council meets on Monday.' })).status, 303);
      const unsubscribe = await mailTo('keen@example.org', '/unsubscribe/');
      lastSegments(unsubscribe, 1); // its id is a small number, redacted too but not searchable
      assert.equal((await browse(unsubscribe)).status, 200);
      assert.equal((await postForm(unsubscribe, {})).status, 200);
      await new Promise((r) => setTimeout(r, 300));

      const log = server.output();
      const requests = log.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
      const line = (route: string, method = 'GET') => requests.find((r) => r.route === route && r.method === method);
      // The requests happened and were logged, by route and with their status.
      assert.equal(line('/auth/:token')?.path, '/auth/[redacted]');
      assert.equal(line('/auth/:token', 'POST')?.statusCode, 303);
      assert.equal(line('/signatures/confirm/:token')?.path, '/signatures/confirm/[redacted]');
      assert.equal(line('/signatures/yours/:token')?.path, '/signatures/yours/[redacted]');
      assert.equal(line('/unsubscribe/:id/:token', 'POST')?.path, '/unsubscribe/[redacted]/[redacted]');
      assert.equal(line('/petitions/:slug/manage')?.path, `/petitions/${slug}/manage`, 'public parts of a path are kept');
      assert.ok(requests.some((r) => r.route === null && r.statusCode === 404 && r.path === '/auth/[redacted]'), 'an unrouted secret link is cut at its secret');
      assert.ok(requests.every((r) => typeof r.responseTime === 'number'));

      // Item 2: no secret of any link, anywhere in the log.
      assert.equal(secrets.length, 5);
      for (const secret of secrets) assert.ok(secret.length >= 8 && !log.includes(secret), `secret ${secret} is not in the log`);
      // Item 3: no client address, neither the proxy's nor the client's, nor the fields that held them.
      assert.ok(!log.includes(CLIENT), 'the forwarded client address is not in the log');
      assert.ok(!/remoteAddress|remotePort|x-forwarded-for/i.test(log), 'no address fields in the log');
      for (const r of requests) assert.ok(!JSON.stringify(r).includes('127.0.0.1'), `no address in ${JSON.stringify(r)}`);
      assert.ok(!log.includes('nadia@example.org') && !log.includes('keen@example.org'), 'no email address in the log');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await db.drop();
    }
  });
});
