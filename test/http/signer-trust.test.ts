import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, startTestApp, type Site } from '../support/app.ts';
import { confirmationLink, type SmtpSink } from '../support/smtp.ts';
import { sqliteDatabase, testEngines, type TestDatabase } from '../support/engines.ts';
import { createToken } from '../../src/services/accounts.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const redisAvailable = async (): Promise<boolean> => {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    console.log(`# Redis not reachable at ${REDIS_URL}: the shared-counter test is skipped.`);
    return false;
  } finally {
    probe.disconnect();
  }
};

/** Signs through the API and returns what the signer sees: status and exact body. */
async function sign(server: TestServer, slug: string, email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Sam Signer', email, ...extra });
  return `${res.status} ${await res.text()}`;
}
const count = async (server: TestServer, slug: string): Promise<number> => (await (await server.request(`/api/v1/petitions/${slug}/count`)).json()).signatureCount;

for (const { engine, skip, create } of await testEngines()) {
  describe(`fraud defence over HTTP on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let site: Site;
    let db: TestDatabase;
    let server: TestServer;
    let admin: Record<string, string>;

    before(async () => {
      site = await openSite({ database: create, env: { RATE_LIMIT: 'on', SIGNATURE_CONFIRMATION: 'none', SIGN_LIMIT_PER_ADDRESS: '3', SIGN_LIMIT_PER_DOMAIN: '4' } });
      ({ db, server } = site);
      admin = { authorization: `Bearer ${await server.adminToken()}` };
    });
    after(() => site?.close());

    test('a script signing from one address: past the limit it is answered the same, flagged, not counted, and alerted', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Save the allotments' });
      const answers = [];
      for (let i = 1; i <= 6; i++) answers.push(await sign(server, slug, `voter${i}@gmail.com`));
      answers.push(await sign(server, slug, 'voter1@gmail.com')); // a repeat
      assert.equal(new Set(answers).size, 1, `one answer for new, flagged and repeated addresses: ${answers[0]}`);
      assert.equal(answers[0], '201 {"status":"signed"}');
      assert.equal(await count(server, slug), 3);

      const alerts = await (await server.request('/api/v1/admin/signing-alerts', { headers: admin })).json();
      const mine = alerts.data.filter((a: { petition: string }) => a.petition === slug);
      assert.equal(mine.length, 1, 'one alert, raised by the first signature over the limit');
      assert.equal(mine[0].kind, 'address');
      assert.equal(mine[0].count, 4);
      assert.doesNotMatch(mine[0].key, /127\.0\.0\.1/, 'the alert names a hash, never the address');

      // A moderator judges them honest after all: clearing the flags counts them.
      const cleared = await server.postJson(`/api/v1/admin/petitions/${slug}/flags/clear`, {}, admin);
      assert.deepEqual(await cleared.json(), { slug, signatureCount: 6 });
      assert.equal((await server.postJson(`/api/v1/admin/signing-alerts/${mine[0].id}/resolve`, {}, admin)).status, 204);
    });

    test('one unknown domain past its limit is flagged too; big mail providers never are', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Keep the night buses' });
      // All from one test client: with an address limit of 3 and a domain limit of 4, the address alert comes at 4, the domain's at 5.
      for (let i = 1; i <= 5; i++) await sign(server, slug, `bot${i}@bots.example`);
      const alerts = (await (await server.request('/api/v1/admin/signing-alerts', { headers: admin })).json()).data.filter((a: { petition: string }) => a.petition === slug);
      assert.deepEqual(alerts.map((a: { kind: string }) => a.kind).sort(), ['address', 'domain']);
      assert.equal(alerts.find((a: { kind: string }) => a.kind === 'domain').key, 'bots.example');
    });

    test('bulk invalidation: a preview of how many it hits, then exact counts', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Fix the footbridge' });
      for (let i = 1; i <= 3; i++) await sign(server, slug, `p${i}@outlook.com`);
      assert.equal(await count(server, slug), 3);

      const missing = await server.postJson('/api/v1/admin/invalidations/preview', { petition: slug }, admin);
      assert.equal(missing.status, 422);
      assert.match((await missing.json()).error.fields.address, /Give an address, a domain or a time window/);
      const bad = await server.postJson('/api/v1/admin/invalidations/preview', { address: '999.1.1.1', domain: 'not a domain', from: 'yesterday' }, admin);
      assert.deepEqual(Object.keys((await bad.json()).error.fields).sort(), ['address', 'domain', 'from']);

      const preview = await (await server.postJson('/api/v1/admin/invalidations/preview', { petition: slug, address: '127.0.0.1' }, admin)).json();
      assert.deepEqual(preview, { description: `Signatures from one internet address on "${slug}"`, signatures: 3, counted: 3, petitions: [{ slug, signatures: 3, counted: 3 }] });
      assert.equal(await count(server, slug), 3, 'a preview changes nothing');
      const done = await server.postJson('/api/v1/admin/invalidations', { petition: slug, address: '127.0.0.1' }, admin);
      assert.equal(done.status, 201);
      assert.deepEqual(await done.json(), { invalidated: 3, petitions: [{ slug, signatureCount: 0 }] });
      assert.equal(await count(server, slug), 0);
    });

    test('only staff may use the fraud tools', async () => {
      assert.equal((await server.request('/api/v1/admin/signing-alerts')).status, 401);
      await server.store.upsertUser({ email: 'organiser@example.org', role: 'organiser', passwordHash: null, now: new Date() });
      const organiser = await createToken(server.store, 'organiser@example.org', 'mine', new Date());
      const res = await server.postJson('/api/v1/admin/invalidations', { domain: 'gmail.com' }, { authorization: `Bearer ${organiser}` });
      assert.equal(res.status, 403);
      assert.equal((await res.json()).error.code, 'FORBIDDEN');
    });

    test('throwaway-mail addresses are refused with a clear message', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'More benches' });
      const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Tess', email: 'tess@mailinator.com' });
      assert.equal(res.status, 422);
      assert.match((await res.json()).error.fields.email, /throwaway-mail/);
      assert.equal(await count(server, slug), 0);
    });
  });
}

const redisUp = await redisAvailable();

describe('shared networks and several processes', () => {
  test('an allowlisted campus address is never flagged', async () => {
    const db = sqliteDatabase();
    const server = await startTestApp({ DATABASE_URL: db.url, RATE_LIMIT: 'on', SIGNATURE_CONFIRMATION: 'none', SIGN_LIMIT_PER_ADDRESS: '2', SIGN_ALLOWLIST: '127.0.0.0/8, ::1' });
    try {
      const { slug } = await createPetitionViaApi(server, { title: 'Open the library at night' });
      for (let i = 1; i <= 5; i++) await sign(server, slug, `student${i}@gmail.com`);
      assert.equal(await count(server, slug), 5);
    } finally {
      await server.close();
      await db.drop();
    }
  });

  test('with Redis unreachable, signing goes on (unflagged) instead of failing', async () => {
    const db = sqliteDatabase();
    const server = await startTestApp({ DATABASE_URL: db.url, RATE_LIMIT: 'on', SIGNATURE_CONFIRMATION: 'none', SIGN_LIMIT_PER_ADDRESS: '1', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const { slug } = await createPetitionViaApi(server, { title: 'Keep going' });
      assert.equal(await sign(server, slug, 'one@gmail.com'), '201 {"status":"signed"}');
      assert.equal(await sign(server, slug, 'two@gmail.com'), '201 {"status":"signed"}');
      assert.equal(await count(server, slug), 2, 'no counter, no flag: availability first');
    } finally {
      await server.close();
      await db.drop();
    }
  });

  test('with REDIS_URL, two processes share one limit', { skip: !redisUp && 'Redis not reachable' }, async () => {
    const db = sqliteDatabase();
    const env = { DATABASE_URL: db.url, RATE_LIMIT: 'on', SIGNATURE_CONFIRMATION: 'none', SIGN_LIMIT_PER_ADDRESS: '3', REDIS_URL };
    const one = await startTestApp(env);
    const two = await startTestApp(env);
    try {
      const { slug } = await createPetitionViaApi(one, { title: 'One limit for all' });
      for (let i = 1; i <= 3; i++) await sign(i % 2 ? one : two, slug, `s${i}@gmail.com`);
      await sign(two, slug, 's4@gmail.com');
      await sign(one, slug, 's5@gmail.com');
      assert.equal(await count(one, slug), 3, 'the 4th and 5th were over the shared limit, whichever process took them');
    } finally {
      await one.close();
      await two.close();
      await db.drop();
    }
  });
});

describe('a signer’s own data, from the confirmation mail (real SMTP)', () => {
  let site: Site;
  let smtp: SmtpSink;
  let server: TestServer;
  before(async () => {
    site = await openSite({ database: sqliteDatabase, smtp: true });
    ({ smtp, server } = site);
  });
  after(() => site?.close());

  test('Rosa sees what is kept about her, removes her signature, and the count drops', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Light the towpath' });
    assert.equal((await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Rosa Díaz', email: 'rosa@example.org', postcode: 'LS6 1AN', consent: true })).status, 202);
    const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('rosa@example.org'));
    const confirm = new URL(confirmationLink(mail));
    const thanks = await server.request(confirm.pathname);
    assert.equal(thanks.status, 200);
    const yours = /href="(\/signatures\/yours\/[^"]+)"/.exec(await thanks.text())?.[1];
    assert.ok(yours, 'the thank-you page links to her data');
    assert.ok(String(mail.html).includes(`${server.config.baseUrl}${yours}`), 'so does the HTML mail');
    assert.equal(await count(server, slug), 1);

    const page = await server.request(yours);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const html = await page.text();
    for (const shown of ['Rosa Díaz', 'rosa@example.org', 'LS6 1AN', 'Yes, you asked for them', 'one-way code', 'wording 1']) assert.ok(html.includes(shown), `shows ${shown}`);

    const crossSite = await server.request(`${yours}/remove`, { method: 'POST', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossSite.status, 403, 'another site cannot remove it');
    assert.equal(await count(server, slug), 1);

    const removed = await server.request(`${yours}/remove`, { method: 'POST', headers: { origin: server.config.baseUrl } });
    assert.equal(removed.status, 303);
    assert.equal(removed.headers.get('location'), `/signatures/removed?from=${slug}`);
    assert.equal(await count(server, slug), 0);
    assert.equal((await server.request(yours)).status, 404, 'nothing left to show');
    assert.equal((await server.request(`${yours}/remove`, { method: 'POST', headers: { origin: server.config.baseUrl } })).status, 404);
  });

  test('the privacy page says what is kept and for how long, and every page links to it', async () => {
    const page = await (await server.request('/privacy')).text();
    for (const words of ['never shown to anyone', 'one-way code', '183 days after a petition closes', 'No tracking']) assert.ok(page.includes(words), words);
    assert.match(await (await server.request('/petitions/new')).text(), /<a href="\/privacy">Privacy<\/a>/);
  });
});
