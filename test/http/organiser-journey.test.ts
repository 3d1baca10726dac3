import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { confirmationLink, type SmtpSink } from '../support/smtp.ts';
import { sqliteDatabase } from '../support/engines.ts';
import { CookieJar, csrfToken, formBody } from '../support/cookie-jar.ts';
import { fixedClock } from '../support/clock.ts';
import type { ParsedMail } from 'mailparser';

const to = (m: ParsedMail) => JSON.stringify(m.to);
const onlyLink = (m: ParsedMail, part: string) => {
  const link = ((m.text ?? '').match(/https?:\/\/\S+/g) ?? []).find((l) => l.includes(part));
  if (!link) throw new Error(`no ${part} link in ${m.text}`);
  return link;
};

describe('Nadia runs a pledge from start to victory', () => {
  let site: Site;
  let smtp: SmtpSink;
  let server: TestServer;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  const jar = new CookieJar();
  let slug = '';

  // A browser-like client: same-origin form posts with the organiser's cookies.
  const browse = async (path: string, init: RequestInit = {}) =>
    jar.store(await server.request(path, { ...init, headers: { cookie: jar.header(), origin: server.config.baseUrl, ...(init.headers ?? {}) } }));
  const postForm = (path: string, fields: Record<string, string>) =>
    browse(path, { method: 'POST', body: formBody(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  before(async () => {
    site = await openSite({ database: sqliteDatabase, smtp: true, clock });
    ({ smtp, server } = site);
  });
  after(() => site?.close());

  test('her form with mistakes comes back with a message per field and her words kept', async () => {
    const res = await postForm('/petitions/new', { kind: 'pledge', target: '', title: 'Walk to school', body: '', why: 'Safer streets', location: 'Qwxyzzyville, UK', goal: '0', closesAt: '2020-01-01', organiserEmail: 'not-an-email' });
    assert.equal(res.status, 422);
    const page = await res.text();
    for (const message of ['Enter who it is addressed to', 'Enter what it asks', 'could not find “Qwxyzzyville, UK” on the map', 'Goal must be between', 'Closing date must be in the future', 'Enter your name', 'Enter an email address like']) {
      assert.ok(page.includes(message), `page says: ${message}`);
    }
    assert.ok(page.includes('value="Walk to school"'));
    assert.ok(page.includes('Safer streets</textarea>'));
  });

  test('she starts a pledge without an account and confirms it from her inbox', async () => {
    const res = await postForm('/petitions/new', {
      kind: 'pledge', target: 'Head teachers of Leeds', title: 'Walk to school on Fridays', body: 'We pledge to walk our children to school every Friday.',
      why: 'Less trafic, cleaner air.', category: 'transport', location: 'Leeds, UK', closesAt: '2027-01-31', organiserName: 'Nadia', organiserEmail: 'Nadia@Example.org',
    });
    assert.equal(res.status, 303, 'post, redirect, get: a reload cannot start it twice');
    assert.equal(res.headers.get('location'), '/petitions/new/sent?kind=pledge');
    assert.match(await (await browse('/petitions/new/sent?kind=pledge')).text(), /We have emailed you a link to confirm your pledge/);
    slug = 'walk-to-school-on-fridays';
    assert.equal((await server.request(`/petitions/${slug}`)).status, 404, 'not live before the email is confirmed');

    const mail = await smtp.waitFor((m) => to(m).includes('nadia@example.org') && /Confirm your petition/.test(m.subject ?? ''));
    const link = onlyLink(mail, '/auth/');
    const landing = await browse(new URL(link).pathname);
    assert.equal(landing.status, 200, 'following the link only shows a button: mail scanners spend nothing');
    const go = await postForm(new URL(link).pathname, {});
    assert.equal(go.status, 303);
    assert.equal(go.headers.get('location'), `/petitions/${slug}/manage?done=confirmed`);
    assert.ok(jar.has('us_session'));
    const again = await postForm(new URL(link).pathname, {});
    assert.equal(again.status, 404, 'a magic link works once');

    const manage = await browse(`/petitions/${slug}/manage?done=confirmed`);
    assert.equal(manage.status, 200);
    assert.match(await manage.text(), /Your email address is confirmed/);
    const api = await (await server.request(`/api/v1/petitions/${slug}`)).json();
    assert.equal(api.state, 'open');
    assert.equal(api.kind, 'pledge');
    assert.equal(api.closesAt, '2027-01-31T00:00:00.000Z');
    assert.equal(api.category.slug, 'transport');
    assert.equal(api.location.name, 'Leeds, United Kingdom', 'the gazetteer’s name, not the text typed');
    const list = await (await server.request('/api/v1/petitions')).json();
    assert.ok(!list.data.some((p: { slug: string }) => p.slug === slug), 'unlisted until a moderator reviews it');
  });

  test('two people pledge; an update reaches only the one who asked, with one-click unsubscribe', async () => {
    for (const [name, email, consent] of [['Keen', 'keen@example.org', 'yes'], ['Quiet', 'quiet@example.org', '']] as const) {
      const res = await server.request(`/petitions/${slug}/signatures`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody({ name, email, consent }) });
      assert.equal(res.status, 303);
      const mail = await smtp.waitFor((m) => to(m).includes(email) && /Please confirm your pledge/.test(m.subject ?? ''));
      assert.equal((await server.request(confirmationLink(mail))).status, 200);
    }
    const page = await (await browse(`/petitions/${slug}/manage`)).text();
    assert.ok(!page.includes('keen@example.org'), 'organisers never see signers’ addresses');
    const res = await postForm(`/petitions/${slug}/manage/updates`, { _csrf: csrfToken(page), text: 'The council will discuss it on Monday.', url: 'https://example.org/agenda' });
    assert.equal(res.status, 303);

    const update = await smtp.waitFor((m) => m.subject === 'Update: Walk to school on Fridays');
    assert.ok(to(update).includes('keen@example.org'));
    const unsubscribe = onlyLink(update, '/unsubscribe/');
    const header = (name: string) => update.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '');
    assert.equal(header('list-unsubscribe'), `<${unsubscribe}>`);
    assert.equal(header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(smtp.messages.filter((m) => m.subject === 'Update: Walk to school on Fridays').length, 1, 'the quiet signer got nothing');

    // RFC 8058: the mail provider posts from its own servers, without our cookies or Origin.
    const oneClick = await server.request(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(oneClick.status, 200);
    assert.equal((await server.request(unsubscribe.replace(/\/[^/]+$/, '/forged-token-forged-token-forged'), { method: 'POST' })).status, 404);

    const page2 = await (await browse(`/petitions/${slug}/manage`)).text();
    await postForm(`/petitions/${slug}/manage/updates`, { _csrf: csrfToken(page2), text: 'Second update.' });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(smtp.messages.filter((m) => /Second update/.test(m.text ?? '')).length, 0, 'nobody is left on the list');
    const timeline = await (await server.request(`/api/v1/petitions/${slug}`)).json();
    assert.deepEqual(timeline.updates.slice(0, 2).map((u: { text: string }) => u.text), ['Second update.', 'The council will discuss it on Monday.']);
  });

  test('after signatures only typo fixes pass, each recorded; the goal cannot fall below the count', async () => {
    const page = await (await browse(`/petitions/${slug}/manage`)).text();
    const base = { _csrf: csrfToken(page), target: 'Head teachers of Leeds', title: 'Walk to school on Fridays', body: 'We pledge to walk our children to school every Friday.', why: 'Less trafic, cleaner air.', category: 'transport', location: 'Leeds, UK', goal: '100', closesAt: '2027-01-31' };
    const rewrite = await postForm(`/petitions/${slug}/manage/edit`, { ...base, title: 'Drive to school on Fridays instead' });
    assert.equal(rewrite.status, 422);
    assert.match(await rewrite.text(), /only small corrections/);
    const lowGoal = await postForm(`/petitions/${slug}/manage/edit`, { ...base, goal: '2' });
    assert.equal(lowGoal.status, 422);
    const typo = await postForm(`/petitions/${slug}/manage/edit`, { ...base, why: 'Less traffic, cleaner air.' });
    assert.equal(typo.status, 303, await typo.clone().text().then((t) => t.match(/error-message[^>]*>([^<]*)/g)?.join(' | ') ?? ''));
    const api = await (await server.request(`/api/v1/petitions/${slug}`)).json();
    assert.equal(api.why, 'Less traffic, cleaner air.');
    assert.equal(api.title, 'Walk to school on Fridays');
    const petition = await server.store.findPetitionBySlug(slug);
    assert.deepEqual((await server.store.listEdits(petition!.id)).map((e) => [e.field, e.before, e.after]), [['why', 'Less trafic, cleaner air.', 'Less traffic, cleaner air.']]);
  });

  test('small fixes cannot add up to new words: each is measured against the words people signed', async () => {
    const page = await (await browse(`/petitions/${slug}/manage`)).text();
    const base = { _csrf: csrfToken(page), target: 'Head teachers of Leeds', title: 'Walk to school on Fridays', body: 'We pledge to walk our children to school every Friday.', why: 'Less traffic, cleaner air.', category: 'transport', location: 'Leeds, UK', goal: '100', closesAt: '2027-01-31' };
    // Three characters from the signed title is the most a 25-character title may move.
    for (const title of ['Walk to school on Friday', 'Walk to school on Frida', 'Walk to school on Frid']) {
      const step = await postForm(`/petitions/${slug}/manage/edit`, { ...base, title });
      assert.equal(step.status, 303, `one character at a time, within three of what was signed: ${title}`);
    }
    const fourth = await postForm(`/petitions/${slug}/manage/edit`, { ...base, title: 'Walk to school on Fri' });
    assert.equal(fourth.status, 422, 'one character from the last fix, but four from what people signed');
    assert.match(await fourth.text(), /only small corrections \(typos\) to the words they signed/);
    assert.equal((await (await server.request(`/api/v1/petitions/${slug}`)).json()).title, 'Walk to school on Frid');
    const back = await postForm(`/petitions/${slug}/manage/edit`, { ...base, title: 'Walk to school on Fridays' });
    assert.equal(back.status, 303, 'going back to the signed words is always allowed');
    assert.equal((await (await server.request(`/api/v1/petitions/${slug}`)).json()).title, 'Walk to school on Fridays');
  });

  test('a place saved before names came from the gazetteer stays as saved when the edit form sends it back', async () => {
    const petition = (await server.store.findPetitionBySlug(slug))!;
    const legacy = { name: 'Leeds, UK', lat: petition.location!.lat, lon: petition.location!.lon };
    await server.store.changePetitionFields(petition.id, { location: legacy }, []);
    const editsBefore = (await server.store.listEdits(petition.id)).length;
    const page = await (await browse(`/petitions/${slug}/manage`)).text();
    assert.match(page, /name="location" [^>]*value="Leeds, UK"/, 'the edit form shows the place as saved');
    const base = { _csrf: csrfToken(page), target: 'Head teachers of Leeds', title: 'Walk to school on Fridays', body: 'We pledge to walk our children to school every Friday.', why: 'Less traffic, cleaner air.', category: 'transport', goal: '100', closesAt: '2027-01-31' };
    const unchanged = await postForm(`/petitions/${slug}/manage/edit`, { ...base, location: 'Leeds, UK' });
    assert.equal(unchanged.status, 303, 'signed, yet not refused as a move: the place did not change');
    assert.deepEqual((await server.store.findPetitionBySlug(slug))!.location, legacy);
    assert.equal((await server.store.listEdits(petition.id)).length, editsBefore, 'nothing recorded');
    const moved = await postForm(`/petitions/${slug}/manage/edit`, { ...base, location: 'York, UK' });
    assert.equal(moved.status, 422);
    assert.match(await moved.text(), /People have signed, so the location can no longer change/);
    await server.store.changePetitionFields(petition.id, { location: petition.location }, []);
  });

  test('forms without the CSRF token, or from another person, change nothing', async () => {
    const noToken = await postForm(`/petitions/${slug}/manage/updates`, { text: 'sneaky' });
    assert.equal(noToken.status, 403);
    const stranger = await server.request(`/petitions/${slug}/manage`, { headers: { origin: server.config.baseUrl } });
    assert.equal(stranger.status, 303);
    assert.equal(stranger.headers.get('location'), '/sign-in');
    const timeline = await (await server.request(`/api/v1/petitions/${slug}`)).json();
    assert.ok(!timeline.updates.some((u: { text: string }) => u.text === 'sneaky'));
  });

  test('she declares victory: the timeline says so and the form is gone', async () => {
    const page = await (await browse(`/petitions/${slug}/manage`)).text();
    const res = await postForm(`/petitions/${slug}/manage/victory`, { _csrf: csrfToken(page), text: 'Every school in Leeds now has a Walk Friday!' });
    assert.equal(res.status, 303);
    const api = await (await server.request(`/api/v1/petitions/${slug}`)).json();
    assert.equal(api.state, 'won');
    assert.equal(api.updates[0].type, 'victory');
    const publicPage = await (await server.request(`/petitions/${slug}`)).text();
    assert.ok(!publicPage.includes('<form method="post"'), 'no sign form on a won pledge');
    assert.match(publicPage, /Every school in Leeds now has a Walk Friday!/);
  });

  test('she signs in again later with an emailed link', async () => {
    const res = await server.request('/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.config.baseUrl }, body: formBody({ email: 'nadia@example.org' }) });
    assert.equal(res.status, 200);
    const unknown = await server.request('/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.config.baseUrl }, body: formBody({ email: 'nobody@example.org' }) });
    assert.equal(await unknown.text(), await (await server.request('/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.config.baseUrl }, body: formBody({ email: 'nadia@example.org' }) })).text(), 'the answer never tells whether an address has an account');
    const mail = await smtp.waitFor((m) => m.subject === 'Your link to sign in to Undersign');
    const path = new URL(onlyLink(mail, '/auth/')).pathname;
    clock.advance(2 * 3_600_000);
    const late = await server.request(path, { method: 'POST', headers: { origin: server.config.baseUrl } });
    assert.equal(late.status, 404, 'sign-in links expire after an hour');
  });
});

describe('deadlines', () => {
  test('at its deadline a petition closes by itself: the page says so and the form is gone', async () => {
    const clock = fixedClock('2026-11-28T10:00:00Z');
    const site = await openSite({ database: sqliteDatabase, clock });
    const { server } = site;
    try {
      const token = await server.adminToken();
      const res = await server.postJson('/api/v1/petitions', { title: 'Short one', target: 'Council', body: 'b', why: 'w', closesAt: '2026-11-29T00:00:00Z' }, { authorization: `Bearer ${token}` });
      assert.equal(res.status, 201);
      clock.set('2026-11-29T00:00:01Z');
      const { closeDuePetitions } = await import('../../src/jobs/close-due-petitions.ts');
      assert.equal((await closeDuePetitions({ store: server.store, clock })).length, 1);
      assert.deepEqual(await closeDuePetitions({ store: server.store, clock }), [], 'closing twice does nothing');
      const api = await (await server.request('/api/v1/petitions/short-one')).json();
      assert.equal(api.state, 'closed');
      const page = await (await server.request('/petitions/short-one')).text();
      assert.match(page, /is closed and no longer takes signatures/);
      assert.ok(!page.includes('action="/petitions/short-one/signatures"'));
    } finally {
      await site.close();
    }
  });
});
