import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { CookieJar, csrfToken, formBody } from '../support/cookie-jar.ts';
import { createToken } from '../../src/services/accounts.ts';
import { spawnServer } from '../support/child-server.ts';

/** Markup that must only ever come back as text. */
const XSS = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
const unescaped = (html: string) => html.includes('<script>alert(1)') || /<img src=x onerror/i.test(html);

describe('security battery (SQLite)', () => {
  let db: TestDatabase;
  let server: TestServer;
  const jar = new CookieJar();
  const browse = async (path: string, init: RequestInit = {}) =>
    jar.store(await server.request(path, { ...init, headers: { cookie: jar.header(), origin: server.config.baseUrl, ...(init.headers ?? {}) } }));
  const postForm = (path: string, fields: Record<string, string>) =>
    browse(path, { method: 'POST', body: formBody(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  test('markup in every text field of the start form, the API, updates and signatures comes back escaped on every page', async () => {
    // Through the web start form, confirmed from the development outbox.
    const started = await postForm('/petitions/new', {
      kind: 'petition', target: `Council ${XSS}`, title: `Web ${XSS}`, body: `Body ${XSS}`, why: `Why ${XSS}`, location: `Leeds ${XSS}`,
      organiserName: `Nadia ${XSS}`, organiserEmail: 'nadia@example.org', locationWithoutMap: 'yes',
    });
    assert.equal(started.status, 303, await started.clone().text());
    const outbox = (await (await server.request('/dev/outbox.json')).json()) as Array<{ text: string; subject: string }>;
    const link = /https?:\/\/\S+\/auth\/\S+/.exec(outbox.find((m) => m.subject.startsWith('Confirm your petition'))!.text)![0];
    const confirm = await postForm(new URL(link).pathname, {});
    const managePath = confirm.headers.get('location')!.split('?')[0]!;
    const webSlug = managePath.split('/')[2]!;

    // Through the API, with an update and a signature carrying markup too.
    const api = await createPetitionViaApi(server, { title: `Api ${XSS}`, target: `Target ${XSS}`, body: `Body ${XSS}`, why: `Why ${XSS}`, location: `Place ${XSS}` });
    await server.postJson(`/api/v1/petitions/${api.slug}/updates`, { text: `Update ${XSS}`, url: 'https://example.org/?q=<script>' }, { authorization: `Bearer ${await server.adminToken()}` });
    await server.postJson(`/api/v1/petitions/${api.slug}/signatures`, { name: `Signer ${XSS}`, email: 'signer@example.org', postcode: 'LS1 1UR', consent: true });
    const manage = await browse(managePath);
    await postForm(`${managePath}/updates`, { _csrf: csrfToken(await manage.text()), text: `Organiser ${XSS}` });

    const pages = ['/', '/petitions', `/petitions/${webSlug}`, `/petitions/${api.slug}`, `/petitions/${webSlug}/print`, '/dev/outbox', managePath, '/manage'];
    for (const path of pages) {
      const res = await browse(path);
      const html = await res.text();
      assert.equal(res.status, 200, path);
      assert.ok(!unescaped(html), `markup came back live on ${path}`);
    }
    assert.match(await (await server.request(`/petitions/${api.slug}`)).text(), /&lt;script>alert\(1\)&lt;\/script>/, 'shown as text');
    const csv = await (await browse(`/petitions/${webSlug}/signatures.csv`)).text();
    assert.ok(!/^[=+@-]/m.test(csv.replace(/^\uFEFF/, '')), 'no CSV cell starts a formula');
  });

  test('CORS: the public API reads may be read from any site; its writes, the admin API and pages may not', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Readable from anywhere' });
    for (const path of ['/api/v1/petitions', `/api/v1/petitions/${slug}`, `/api/v1/petitions/${slug}/count`, '/api/v1/categories']) {
      assert.equal((await server.request(path)).headers.get('access-control-allow-origin'), '*', path);
    }
    const refused = [
      await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Cora', email: 'cora@example.org' }),
      await server.request(`/api/v1/petitions/${slug}`, { method: 'HEAD' }),
      await server.request('/api/v1/admin/signing-alerts', { headers: { authorization: `Bearer ${await server.adminToken()}` } }),
      await server.request(`/petitions/${slug}`),
      await server.request('/api/v1/nothing-here'),
    ];
    for (const res of refused) assert.equal(res.headers.get('access-control-allow-origin'), null, `${res.url} ${res.status}`);
  });

  test('headers: a strict CSP with no framing, nosniff and a same-origin referrer on pages, the API and assets; HSTS only in production', async () => {
    for (const path of ['/', '/api/v1/petitions', '/assets/site.css', '/api/v1/nothing-here']) {
      const res = await server.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      // JSON is never a document: it may load nothing at all.
      assert.match(csp, path.startsWith('/api/') ? /^default-src 'none'/ : /default-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      // Documents set no plain string as HTML or script, and may make no Trusted Types policy but the default one.
      if (!path.startsWith('/api/')) {
        assert.match(csp, /(^|;) ?require-trusted-types-for 'script'(;|$)/, path);
        assert.match(csp, /(^|;) ?trusted-types default(;|$)/, path);
      }
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(res.headers.get('referrer-policy'), 'same-origin', path);
      assert.equal(res.headers.get('strict-transport-security'), null, `${path}: no HSTS outside production`);
    }
    const production = await startTestServer({ DATABASE_URL: sqliteDatabase().url, NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) });
    try {
      const res = await production.request('/');
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      assert.match((await production.request('/api/v1/petitions')).headers.get('strict-transport-security') ?? '', /max-age=\d+/, 'the API too');
      assert.match(res.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/);
      assert.equal((await production.request('/dev/outbox')).status, 404, 'no development outbox in production');
    } finally {
      await production.close();
    }
  });

  test('a place typed with markup beside it is stored and shown as the gazetteer’s name, so the markup reaches no page', async () => {
    const created = await createPetitionViaApi(server, { title: 'Light the canal towpath', location: 'Leeds, <img src=x onerror=alert(1)>, UK' });
    assert.deepEqual(created.location, { name: 'Leeds, United Kingdom', lat: 53.79648, lon: -1.54785 });
    const page = await server.request(`/petitions/${created.slug}`);
    const html = await page.text();
    assert.match(html, /<dt>Location<\/dt><dd>Leeds, United Kingdom<\/dd>/);
    assert.match(html, /data-label="Leeds, United Kingdom"/, 'the map’s label too');
    assert.ok(!/onerror/i.test(html), 'not even as escaped text');
    // The one framed page keeps Trusted Types.
    const embed = await server.request(`/petitions/${created.slug}/embed`);
    assert.match(embed.headers.get('content-security-policy') ?? '', /require-trusted-types-for 'script'/);
  });

  test('no open redirects: addresses given in a query never become a Location or a link', async () => {
    for (const path of ['/signatures/removed?from=//evil.example', '/signatures/removed?from=https://evil.example', '/sign-in?next=https://evil.example', '/manage?next=//evil.example']) {
      const res = await server.request(path);
      assert.ok(!(res.headers.get('location') ?? '').includes('evil.example'), path);
      assert.ok(!/href="(https?:)?\/\/evil\.example/.test(await res.text()), path);
    }
  });

  test('the sign form answers a new address and a repeat with the same redirect', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Same answer' });
    const answers = [];
    for (const email of ['same@example.org', 'SAME@example.org ', 'same@example.org']) {
      const res = await postForm(`/petitions/${slug}/signatures`, { name: 'Sam', email });
      answers.push(`${res.status} ${res.headers.get('location')} ${await res.text()}`);
    }
    assert.equal(new Set(answers).size, 1, answers.join('\n'));
  });

  test('SQL fragments in every query parameter and path are harmless', async () => {
    const fragments = [`' or 1=1 --`, `'; drop table petitions; --`, `1) union select * from users --`];
    for (const f of fragments) {
      const q = encodeURIComponent(f);
      for (const path of [`/petitions/${q}`, `/api/v1/petitions/${q}`, `/api/v1/petitions/${q}/count`, `/api/v1/petitions?cursor=${q}`, `/api/v1/petitions?limit=${q}`, `/petitions?cursor=${q}`]) {
        const res = await server.request(path);
        assert.ok([200, 400, 404].includes(res.status), `${path}: ${res.status}`);
      }
    }
    assert.ok((await server.store.countPetitions()) > 0, 'the data is still there');
  });
  test('an organiser’s API token cannot touch another organiser’s petition', async () => {
    const tokens: string[] = [];
    for (const email of ['owner@example.org', 'other@example.org']) {
      await server.store.upsertUser({ email, role: 'organiser', passwordHash: null, now: new Date() });
      tokens.push(await createToken(server.store, email, 'tests', new Date()));
    }
    const [owner, other] = tokens.map((t) => ({ authorization: `Bearer ${t}` }));
    const created = await server.postJson('/api/v1/petitions', { title: 'Mine, not yours', target: 'The council', body: 'Fix the lights.', why: 'It is dark.' }, owner);
    assert.equal(created.status, 201);
    const { slug } = (await created.json()) as { slug: string };
    // Live whichever moderation the server runs (an API petition is verified already).
    const { id, state } = (await server.store.findPetitionBySlug(slug))!;
    if (state === 'pending') assert.ok((await server.store.movePetition(id, 'open', new Date(), { listed: true })).ok);

    const intruding = await server.postJson(`/api/v1/petitions/${slug}/updates`, { text: 'Not my petition' }, other!);
    assert.equal(intruding.status, 403);
    assert.equal(((await intruding.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
    const staffOnly = await server.postJson('/api/v1/admin/invalidations/preview', { domain: 'example.org' }, other!);
    assert.equal(staffOnly.status, 403, 'organisers are not staff');
    assert.equal((await server.postJson(`/api/v1/petitions/${slug}/updates`, { text: 'Mine' }, owner!)).status, 201, 'its own organiser can');
    const updates = ((await (await server.request(`/api/v1/petitions/${slug}`)).json()) as { updates: Array<{ text: string }> }).updates.map((u) => u.text);
    assert.ok(updates.includes('Mine') && !updates.includes('Not my petition'));
  });
});

describe('logs never hold an email address or a link secret', () => {
  test('a real server at LOG_LEVEL=info signs and confirms without writing either', { timeout: 60_000 }, async () => {
    const db = sqliteDatabase();
    // Started the way an operator starts it, and polled until it answers (a cold start is slow on a busy machine).
    const server = await spawnServer({ DATABASE_URL: db.url, DEMO: '1', LOG_LEVEL: 'info', NODE_ENV: 'development', SIGNATURE_CONFIRMATION: 'email' });
    const base = server.url;
    try {
      const slug = 'open-the-library-24-hours-during-exams';
      const signed = await fetch(`${base}/api/v1/petitions/${slug}/signatures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Private Person', email: 'private.person@example.org' }) });
      assert.equal(signed.status, 202);
      let mails: Array<{ text: string; to: string }> = [];
      for (let i = 0; i < 50 && !mails.some((m) => m.to === 'private.person@example.org'); i++) {
        mails = await (await fetch(`${base}/dev/outbox.json`)).json();
        await new Promise((r) => setTimeout(r, 100));
      }
      const link = /https?:\/\/\S+\/signatures\/confirm\/(\S+)/.exec(mails.find((m) => m.to === 'private.person@example.org')!.text)!;
      assert.equal((await fetch(link[0], { redirect: 'manual' })).status, 200);
      await new Promise((r) => setTimeout(r, 300));
      const log = server.output();
      assert.match(log, /signatures\/confirm\/\[redacted\]/, 'the request was logged, with its secret redacted');
      assert.ok(!log.includes('private.person@example.org'), 'no email address in the log');
      assert.ok(!log.includes(link[1]!), 'no confirmation secret in the log');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await db.drop();
    }
  });
});
