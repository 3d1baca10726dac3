import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { CookieJar, formBody } from '../support/cookie-jar.ts';

describe('Rahel runs a campaign of local pledges at several universities', () => {
  let db: TestDatabase;
  let server: TestServer;
  let auth: Record<string, string>;
  const jar = new CookieJar();
  const browse = async (path: string, init: RequestInit = {}) =>
    jar.store(await server.request(path, { ...init, headers: { cookie: jar.header(), origin: server.config.baseUrl, ...(init.headers ?? {}) } }));
  const postForm = (path: string, fields: Record<string, string>) =>
    browse(path, { method: 'POST', body: formBody(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const sign = (slug: string, email: string) => server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Student', email });

  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
    auth = { authorization: `Bearer ${await server.adminToken()}` };
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  test('bad campaigns are refused field by field, and nothing is written', async () => {
    const res = await server.postJson('/api/v1/campaigns', { title: 'x'.repeat(151), body: '', kind: 'poem', category: 'Astrology', goal: 0, lockedFields: ['title'] }, auth);
    assert.equal(res.status, 422);
    assert.deepEqual(Object.keys((await res.json()).error.fields).sort(), ['body', 'category', 'goal', 'kind', 'lockedFields', 'title', 'why']);
    assert.equal((await server.postJson('/api/v1/campaigns', { title: 'T', body: 'B', why: 'W' })).status, 401);
    assert.equal((await server.request('/api/v1/campaigns/x')).status, 404);
  });

  test('she creates the campaign; a local pledge started by API takes its words and reads "Title: Target"', async () => {
    const created = await server.postJson('/api/v1/campaigns', { title: 'Divest from Fossil Fuels', body: 'We pledge to bank elsewhere.', why: 'The climate.', kind: 'pledge', category: 'Environment', goal: 50, lockedFields: ['kind'] }, auth);
    assert.equal(created.status, 201);
    const campaign = await created.json();
    assert.equal(campaign.slug, 'divest-from-fossil-fuels');
    assert.equal(campaign.url, `${server.config.baseUrl}/campaigns/divest-from-fossil-fuels`);
    assert.deepEqual([campaign.signatureCount, campaign.petitions, campaign.lockedFields], [0, [], ['kind']]);

    const leeds = await server.postJson('/api/v1/petitions', { campaign: 'divest-from-fossil-fuels', target: 'University of Leeds', location: 'Leeds, UK', title: 'ignored' }, auth);
    assert.equal(leeds.status, 201);
    const petition = await leeds.json();
    assert.equal(petition.title, 'Divest from Fossil Fuels: University of Leeds');
    assert.deepEqual([petition.kind, petition.body, petition.why, petition.goal, petition.category?.slug], ['pledge', 'We pledge to bank elsewhere.', 'The climate.', 50, 'environment']);
    assert.deepEqual(petition.campaign, { slug: 'divest-from-fossil-fuels', title: 'Divest from Fossil Fuels' });

    const locked = await server.postJson('/api/v1/petitions', { campaign: 'divest-from-fossil-fuels', target: 'University of York', kind: 'petition' }, auth);
    assert.equal(locked.status, 422);
    assert.match((await locked.json()).error.fields.kind, /The campaign sets the kind/);
    const unknown = await server.postJson('/api/v1/petitions', { campaign: 'no-such-campaign', target: 'Somebody' }, auth);
    assert.match((await unknown.json()).error.fields.campaign, /There is no campaign/);
  });

  test('a local organiser starts one from the campaign page in a minute, with target and place only', async () => {
    const page = await (await browse('/campaigns/divest-from-fossil-fuels/start')).text();
    assert.match(page, /Start a local pledge/);
    const bad = await postForm('/campaigns/divest-from-fossil-fuels/start', { target: '', location: 'Qwxyzzy', organiserName: 'Tom', organiserEmail: 'nope' });
    assert.equal(bad.status, 422);
    const badPage = await bad.text();
    for (const field of ['target', 'location', 'organiserEmail']) assert.match(badPage, new RegExp(`id="error-${field}"`));
    assert.match(badPage, /value="Tom"/, 'what was typed is kept');

    const ok = await postForm('/campaigns/divest-from-fossil-fuels/start', { target: 'University of Bristol', location: 'Bristol, UK', organiserName: 'Tom', organiserEmail: 'tom@example.org' });
    assert.equal(ok.status, 303);
    const outbox = (await (await server.request('/dev/outbox.json')).json()) as Array<{ to: string; subject: string; text: string }>;
    const mail = outbox.find((m) => m.to === 'tom@example.org')!;
    assert.match(mail.subject, /Divest from Fossil Fuels: University of Bristol/);
    const link = /https?:\/\/\S+\/auth\/\S+/.exec(mail.text)![0];
    assert.equal((await postForm(new URL(link).pathname, {})).status, 303, 'confirming opens it');
  });

  test('both are signed; the campaign shows the total, the leaderboard, the map and the one nearest a place', async () => {
    for (let i = 0; i < 3; i++) await sign('divest-from-fossil-fuels-university-of-bristol', `b${i}@example.org`);
    await sign('divest-from-fossil-fuels-university-of-leeds', 'l0@example.org');
    // Started on the web under MODERATION=post, Bristol's is live but unlisted until a moderator reviews it:
    // its signatures count in the total, but it is not on the leaderboard yet.
    let api = await (await server.request('/api/v1/campaigns/divest-from-fossil-fuels')).json();
    assert.equal(api.signatureCount, 4);
    assert.deepEqual(api.petitions.map((p: { slug: string }) => p.slug), ['divest-from-fossil-fuels-university-of-leeds']);
    const bristol = (await server.store.findPetitionBySlug('divest-from-fossil-fuels-university-of-bristol'))!;
    assert.ok(await server.store.changePetitionState(bristol.id, ['open'], 'open', new Date(), { listed: true }), 'the review, as a moderator would do it');

    api = await (await server.request('/api/v1/campaigns/divest-from-fossil-fuels')).json();
    assert.equal(api.signatureCount, 4);
    assert.deepEqual(api.petitions.map((p: { slug: string; signatureCount: number }) => [p.slug, p.signatureCount]), [
      ['divest-from-fossil-fuels-university-of-bristol', 3],
      ['divest-from-fossil-fuels-university-of-leeds', 1],
    ]);

    const page = await (await server.request('/campaigns/divest-from-fossil-fuels')).text();
    assert.match(page, /<strong>4<\/strong> <span>pledges in all<\/span>/);
    assert.ok(page.indexOf('University of Bristol</a>') < page.indexOf('University of Leeds</a>'), 'most signed first');
    const markers = JSON.parse(/data-markers="([^"]+)"/.exec(page)![1]!.replaceAll('&quot;', '"'));
    assert.deepEqual(markers.map((m: { href: string }) => m.href).sort(), ['/petitions/divest-from-fossil-fuels-university-of-bristol', '/petitions/divest-from-fossil-fuels-university-of-leeds']);

    const near = await (await server.request('/campaigns/divest-from-fossil-fuels?near=Bath%2C%20UK')).text();
    assert.match(near, /Nearest to Bath, UK: <a href="\/petitions\/divest-from-fossil-fuels-university-of-bristol">University of Bristol<\/a>, \d+ km away/);
    const nowhere = await (await server.request('/campaigns/divest-from-fossil-fuels?near=Qwxyzzyville')).text();
    assert.match(nowhere, /We could not find “Qwxyzzyville”/);

    const petitionPage = await (await server.request('/petitions/divest-from-fossil-fuels-university-of-leeds')).text();
    assert.match(petitionPage, /Part of the campaign <a href="\/campaigns\/divest-from-fossil-fuels">Divest from Fossil Fuels<\/a>/);
  });

  test('an unknown campaign is a 404 page', async () => {
    const res = await server.request('/campaigns/no-such-campaign');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal((await server.request('/campaigns/no-such-campaign/start')).status, 404);
  });
});
