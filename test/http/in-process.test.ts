import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSite, type Site } from '../support/app.ts';
import { sqliteDatabase } from '../support/engines.ts';
import { WebClient } from '../support/web-client.ts';
import { createAdmin } from '../../src/services/accounts.ts';

const ADMIN = { email: 'ada@example.org', password: 'admin passphrase of some length' };

// The in-process fixture must answer as a socket and fetch would (decision 0051), or suites on it prove less.
describe('the in-process test app answers as a real server would', () => {
  let site: Site;
  before(async () => {
    site = await openSite({ database: sqliteDatabase, env: { TRUST_PROXY: '127.0.0.1' } });
    await createAdmin(site.server.store, ADMIN.email, ADMIN.password, new Date());
  });
  after(() => site?.close());

  test('nothing listens on a port, and links made from BASE_URL are answered', async () => {
    assert.equal(site.server.app.server.listening, false);
    const res = await site.server.request(`${site.server.config.baseUrl}/healthz`);
    assert.equal(res.status, 200);
  });

  test('redirects come back unfollowed, as with redirect: manual', async () => {
    const res = await site.server.request('/admin');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/admin/sign-in');
  });

  test('a form post with the CSRF token and cookie signs in, and each Set-Cookie line arrives on its own', async () => {
    const ada = new WebClient(site.server, '10.9.0.1');
    assert.equal((await ada.post('/admin/sign-in', { email: ADMIN.email, password: ADMIN.password })).status, 403, 'no token, no sign-in');
    const signedIn = await ada.signIn(ADMIN.email, ADMIN.password);
    assert.equal(signedIn.status, 303);
    assert.ok(signedIn.headers.getSetCookie().length >= 1);
    for (const line of signedIn.headers.getSetCookie()) assert.doesNotMatch(line, /, \w+=/, 'one cookie per line, never joined');
    assert.equal((await ada.get('/admin/queue')).status, 200, 'the session cookie is sent back');
  });

  test('a HEAD answer has no body, and a cross-site form post is refused', async () => {
    const head = await site.server.request('/healthz', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const forged = await site.server.request('/admin/sign-in', {
      method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40b.c&password=x',
    });
    assert.equal(forged.status, 403);
  });
});
