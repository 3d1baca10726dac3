import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { testEngines } from '../support/engines.ts';
import { CookieJar, csrfToken, formBody } from '../support/cookie-jar.ts';

type Outbox = Array<{ to: string; subject: string; text: string }>;

for (const { engine, skip, create } of await testEngines()) {
  describe(`Rahel runs a campaign of local pledges at several universities, on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let site: Site;
    let server: TestServer;
    let auth: Record<string, string>;
    const jar = new CookieJar();
    const browse = async (path: string, init: RequestInit = {}) =>
      jar.store(await server.request(path, { ...init, headers: { cookie: jar.header(), origin: server.config.baseUrl, ...(init.headers ?? {}) } }));
    const postForm = (path: string, fields: Record<string, string> | URLSearchParams) =>
      browse(path, { method: 'POST', body: fields instanceof URLSearchParams ? fields.toString() : formBody(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const sign = (slug: string, email: string) => server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Student', email });
    const outbox = async () => (await (await server.request('/dev/outbox.json')).json()) as Outbox;
    const campaignApi = async (slug: string) => (await server.request(`/api/v1/campaigns/${slug}`)).json();

    before(async () => {
      site = await openSite({ database: create, env: { SIGNATURE_CONFIRMATION: 'none' } });
      ({ server } = site);
      auth = { authorization: `Bearer ${await server.adminToken()}` };
    });
    after(() => site?.close());

    test('bad campaigns are refused field by field by the API, and nothing is written', async () => {
      const res = await server.postJson('/api/v1/campaigns', { title: 'x'.repeat(151), body: '', kind: 'poem', category: 'Astrology', goal: 0, lockedFields: ['title'] }, auth);
      assert.equal(res.status, 422);
      const { error } = await res.json();
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(error.fields).sort(), ['body', 'category', 'goal', 'kind', 'lockedFields', 'title', 'why']);
      assert.match(error.fields.lockedFields, /These cannot be locked: title/);
      const half = await server.postJson('/api/v1/campaigns', { title: 'Half Written', body: 'B', why: 'W', goal: 'lots', lockedFields: [1] }, auth);
      assert.deepEqual(Object.keys((await half.json()).error.fields).sort(), ['goal', 'lockedFields']);
      assert.equal((await server.request('/api/v1/campaigns/half-written')).status, 404, 'a refused campaign leaves no trace');
      assert.equal((await server.postJson('/api/v1/campaigns', { title: 'T', body: 'B', why: 'W' })).status, 401);
      const form = await server.request('/api/v1/campaigns', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'title=T&body=B&why=W' });
      assert.equal(form.status, 415, 'the API takes JSON only');
    });

    test('she creates the campaign; a local pledge started by API takes its words and reads "Title: Target"', async () => {
      const created = await server.postJson('/api/v1/campaigns', { title: 'Divest from Fossil Fuels', body: 'We pledge to bank elsewhere.', why: 'The climate.', kind: 'pledge', category: 'Environment', goal: 50, lockedFields: ['kind', 'why'] }, auth);
      assert.equal(created.status, 201);
      const campaign = await created.json();
      assert.deepEqual(
        [campaign.slug, campaign.url, campaign.title, campaign.body, campaign.why, campaign.kind, campaign.category, campaign.goal, campaign.signatureCount, campaign.petitions, campaign.lockedFields],
        ['divest-from-fossil-fuels', `${server.config.baseUrl}/campaigns/divest-from-fossil-fuels`, 'Divest from Fossil Fuels', 'We pledge to bank elsewhere.', 'The climate.', 'pledge', { slug: 'environment', name: 'Environment' }, 50, 0, [], ['kind', 'why']],
      );

      const leeds = await server.postJson('/api/v1/petitions', { campaign: 'divest-from-fossil-fuels', target: 'University of Leeds', location: 'Leeds, UK', title: 'ignored' }, auth);
      assert.equal(leeds.status, 201);
      const petition = await leeds.json();
      assert.equal(petition.title, 'Divest from Fossil Fuels: University of Leeds');
      assert.deepEqual([petition.kind, petition.body, petition.why, petition.goal, petition.category?.slug], ['pledge', 'We pledge to bank elsewhere.', 'The climate.', 50, 'environment']);
      assert.deepEqual(petition.campaign, { slug: 'divest-from-fossil-fuels', title: 'Divest from Fossil Fuels' });

      // Unlocked fields may be given and win over the campaign's; locked ones are refused, field by field.
      const own = await (await server.postJson('/api/v1/petitions', { campaign: 'divest-from-fossil-fuels', target: 'University of Hull', body: 'Hull banks differently.' }, auth)).json();
      assert.deepEqual([own.title, own.body, own.why], ['Divest from Fossil Fuels: University of Hull', 'Hull banks differently.', 'The climate.']);
      const locked = await server.postJson('/api/v1/petitions', { campaign: 'divest-from-fossil-fuels', target: 'University of York', kind: 'petition', why: 'Mine.' }, auth);
      assert.equal(locked.status, 422);
      const fields = (await locked.json()).error.fields;
      assert.match(fields.kind, /The campaign sets the kind/);
      assert.match(fields.why, /The campaign sets the “why”/);
      assert.equal((await server.request('/petitions/divest-from-fossil-fuels-university-of-york')).status, 404, 'nothing half-written');
      const bad = await (await server.postJson('/api/v1/petitions', { campaign: 'no-such-campaign', target: '' }, auth)).json();
      assert.deepEqual(Object.keys(bad.error.fields).sort(), ['campaign', 'target']);
    });

    test('a local organiser starts one from the campaign page in a minute, with target and place only', async () => {
      const page = await (await browse('/campaigns/divest-from-fossil-fuels/start?location=Bristol%2C%20UK')).text();
      assert.match(page, /Start a local pledge/);
      assert.match(page, /name="location" [^>]*value="Bristol, UK"/, 'the place typed on the campaign page comes along');
      const bad = await postForm('/campaigns/divest-from-fossil-fuels/start', { target: '', location: 'Qwxyzzy', organiserName: 'Ann', organiserEmail: 'ann@example.org' });
      assert.equal(bad.status, 422);
      const badPage = await bad.text();
      assert.match(badPage, /id="error-target"[^>]*>Enter who it is addressed to/);
      assert.match(badPage, /id="error-location"[^>]*>We could not find “Qwxyzzy”/);
      assert.match(badPage, /value="Ann"/, 'what was typed is kept');
      const noEmail = await (await postForm('/campaigns/divest-from-fossil-fuels/start', { target: 'X', organiserName: '', organiserEmail: 'nope' })).text();
      assert.match(noEmail, /id="error-organiserName"/);
      assert.match(noEmail, /id="error-organiserEmail"[^>]*>Enter an email address like/);
      assert.equal(await server.store.findUserByEmail('ann@example.org'), undefined, 'nothing half-written');
      assert.ok(!(await outbox()).some((m) => m.to === 'ann@example.org'), 'and no mail');

      const ok = await postForm('/campaigns/divest-from-fossil-fuels/start', { target: 'University of Bristol', location: 'Bristol, UK', organiserName: 'Tom', organiserEmail: 'tom@example.org' });
      assert.equal(ok.status, 303);
      assert.equal(ok.headers.get('location'), '/petitions/new/sent?kind=pledge');
      const mail = (await outbox()).find((m) => m.to === 'tom@example.org')!;
      assert.match(mail.subject, /Divest from Fossil Fuels: University of Bristol/);
      const link = /https?:\/\/\S+\/auth\/\S+/.exec(mail.text)![0];
      assert.equal((await postForm(new URL(link).pathname, {})).status, 303, 'confirming opens it and signs Tom in');
    });

    test('both are signed; the campaign shows the total, its goal, the leaderboard, the map and the one nearest a place', async () => {
      for (let i = 0; i < 3; i++) await sign('divest-from-fossil-fuels-university-of-bristol', `b${i}@example.org`);
      await sign('divest-from-fossil-fuels-university-of-leeds', 'l0@example.org');
      assert.equal((await sign('divest-from-fossil-fuels-university-of-hull', 'h0@example.org')).status, 201);
      // Hull's is hidden by a moderator after it was signed: it leaves the campaign, signatures and all.
      const hull = (await server.store.findPetitionBySlug('divest-from-fossil-fuels-university-of-hull'))!;
      assert.ok((await server.store.movePetition(hull.id, 'hidden', new Date())).ok);
      // Started on the web under MODERATION=post, Bristol's is live but unlisted until a moderator reviews it:
      // its signatures count in the total, but it is not on the leaderboard yet.
      let api = await campaignApi('divest-from-fossil-fuels');
      assert.equal(api.signatureCount, 4, 'the hidden Hull pledge does not count');
      assert.deepEqual(api.petitions.map((p: { slug: string }) => p.slug), ['divest-from-fossil-fuels-university-of-leeds']);
      const bristol = (await server.store.findPetitionBySlug('divest-from-fossil-fuels-university-of-bristol'))!;
      assert.ok(await server.store.applyModerationDecision(bristol.id, 'open', { state: 'open', listed: true }, new Date()), 'the review, as a moderator would do it');

      api = await campaignApi('divest-from-fossil-fuels');
      assert.equal(api.signatureCount, 4);
      assert.deepEqual(api.petitions.map((p: { slug: string; signatureCount: number; updates?: unknown }) => [p.slug, p.signatureCount, p.updates]), [
        ['divest-from-fossil-fuels-university-of-bristol', 3, undefined],
        ['divest-from-fossil-fuels-university-of-leeds', 1, undefined],
      ]);

      const page = await (await server.request('/campaigns/divest-from-fossil-fuels')).text();
      assert.match(page, /<strong>4<\/strong> <span>pledges in all<\/span>/);
      assert.match(page, /<progress max="100" value="4"/, 'progress towards the two local goals of 50 added up');
      const board = page.slice(page.indexOf('class="leaderboard"'));
      assert.ok(board.indexOf('University of Bristol</a>') < board.indexOf('University of Leeds</a>'), 'most signed first');
      const markers = JSON.parse(/data-markers="([^"]+)"/.exec(page)![1]!.replaceAll('&quot;', '"'));
      assert.deepEqual(markers.map((m: { href: string }) => m.href).sort(), ['/petitions/divest-from-fossil-fuels-university-of-bristol', '/petitions/divest-from-fossil-fuels-university-of-leeds']);
      assert.match(page, /On the map: (Leeds, United Kingdom · Bristol, United Kingdom|Bristol, United Kingdom · Leeds, United Kingdom)\./, 'a text fallback without JavaScript');

      const near = await (await server.request('/campaigns/divest-from-fossil-fuels?near=Bath%2C%20UK')).text();
      assert.match(near, /Nearest to Bath, UK: <a href="\/petitions\/divest-from-fossil-fuels-university-of-bristol">University of Bristol<\/a>, \d+ km away/);
      assert.match(near, /href="\/campaigns\/divest-from-fossil-fuels\/start\?location=Bath%2C%20UK"/);
      const nowhere = await (await server.request('/campaigns/divest-from-fossil-fuels?near=Qwxyzzyville')).text();
      assert.match(nowhere, /id="error-near"[^>]*>We could not find “Qwxyzzyville”/);
      assert.match(nowhere, /name="near" [^>]*value="Qwxyzzyville"/, 'the place typed is kept');

      const petitionPage = await (await server.request('/petitions/divest-from-fossil-fuels-university-of-leeds')).text();
      assert.match(petitionPage, /Part of the campaign <a href="\/campaigns\/divest-from-fossil-fuels">Divest from Fossil Fuels<\/a>/);
    });

    test('signed in, Tom starts a campaign of his own from the web', async () => {
      const anonymous = await server.request('/campaigns/new');
      assert.deepEqual([anonymous.status, anonymous.headers.get('location')], [303, '/sign-in'], 'a campaign needs a confirmed email address');
      const form = await browse('/campaigns/new');
      assert.equal(form.status, 200);
      const csrf = csrfToken(await form.text());
      assert.equal((await postForm('/campaigns/new', { title: 'Quiet Carriages', body: 'B', why: 'W' })).status, 403, 'the form carries its token');

      const bad = new URLSearchParams({ _csrf: csrf, kind: 'poem', title: '', body: 'Keep one carriage quiet.', why: '', category: 'nope', goal: '0' });
      bad.append('lockedFields', 'goal');
      bad.append('lockedFields', 'title');
      const refused = await postForm('/campaigns/new', bad);
      assert.equal(refused.status, 422);
      const page = await refused.text();
      for (const field of ['kind', 'title', 'why', 'category', 'goal', 'lockedFields']) assert.match(page, new RegExp(`id="error-${field}"`), `${field} has its message`);
      assert.match(page, /Keep one carriage quiet\.<\/textarea>/, 'what was typed is kept');
      assert.match(page, /value="goal" checked/, 'and what was ticked');

      const good = new URLSearchParams({ _csrf: csrfToken(page), kind: 'petition', title: 'Quiet Carriages', body: 'Keep one carriage quiet.', why: 'Rest.', category: 'transport', goal: '' });
      good.append('lockedFields', 'body');
      good.append('lockedFields', 'goal');
      const made = await postForm('/campaigns/new', good);
      assert.deepEqual([made.status, made.headers.get('location')], [303, '/campaigns/quiet-carriages']);
      const api = await campaignApi('quiet-carriages');
      assert.deepEqual([api.kind, api.category?.slug, api.goal, api.lockedFields, api.signatureCount], ['petition', 'transport', 100, ['body', 'goal'], 0]);
      assert.match(await (await server.request('/campaigns/quiet-carriages')).text(), /None yet: start the first/);
    });

    test('an unknown campaign is a 404, as a page and in the API', async () => {
      const res = await server.request('/campaigns/no-such-campaign');
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.equal((await server.request('/campaigns/no-such-campaign/start')).status, 404);
      assert.equal((await postForm('/campaigns/no-such-campaign/start', { target: 'X' })).status, 404);
      const api = await server.request('/api/v1/campaigns/no-such-campaign');
      assert.equal(api.status, 404);
      assert.deepEqual(await api.json(), { error: { code: 'NOT_FOUND', message: 'There is no campaign at this address.' } });
    });
  });
}
