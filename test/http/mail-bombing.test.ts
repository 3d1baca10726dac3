import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { confirmationLink, type SmtpSink } from '../support/smtp.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';
import { formBody } from '../support/cookie-jar.ts';
import { openEngine } from '../../src/store/engine.ts';
import { DAILY_MAILS_PER_ADDRESS } from '../../src/domain/outbox.ts';

const to = (address: string) => (m: ParsedMail) => JSON.stringify(m.to).toLowerCase().includes(address);
const MINUTE = 60_000;

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything queued has been sent (or given up): what the sink holds now is all there will be. */
const drained = (server: TestServer) =>
  waitUntil(async () => (await server.store.listOutbox(10_000)).every((m) => m.sentAt !== null || m.failedAt !== null), 'the outbox drains');

/** Signs through the API and returns what the signer sees: status and exact body. */
async function sign(server: TestServer, slug: string, email: string, name = 'Sam Signer'): Promise<string> {
  const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name, email });
  return `${res.status} ${await res.text()}`;
}

const postForm = (server: TestServer, path: string, fields: Record<string, string>) =>
  server.request(path, { method: 'POST', body: formBody(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.config.baseUrl } });

for (const { engine, skip, create } of await testEngines()) {
  describe(`no mail bombing, over HTTP on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let site: Site;
    let db: TestDatabase;
    let smtp: SmtpSink;
    let server: TestServer;
    const clock = fixedClock('2026-11-28T08:00:00Z');

    before(async () => {
      site = await openSite({ database: create, smtp: true, clock });
      ({ db, smtp, server } = site);
    });
    after(() => site?.close());

    test('60 signatures with one address, minutes apart, deliver two mails, and every answer is the same', async () => {
      clock.set('2026-11-28T08:00:00Z');
      const { slug } = await createPetitionViaApi(server, { title: 'Open the pool on Sundays' });
      const answers = new Set<string>();
      for (let i = 0; i < 60; i++) {
        answers.add(await sign(server, slug, i % 2 ? 'Target@Example.org' : 'target@example.org'));
        // Past the resend interval each time, so only the per-signature cap holds; not while a mail
        // is on its way, whose lease would run out in an instant of this clock.
        await drained(server);
        clock.advance(11 * MINUTE);
      }
      assert.deepEqual([...answers], ['202 {"status":"confirmation_sent"}']);
      await drained(server);
      assert.equal(smtp.messages.filter(to('target@example.org')).length, 2, 'the first mail and one resend');
    });

    test('a confirmed signer who signs again gets one "already signed" mail, and the same answer as a new signer', async () => {
      clock.set('2026-11-29T08:00:00Z');
      const { slug } = await createPetitionViaApi(server, { title: 'Light the canal path' });
      const first = await sign(server, slug, 'grace@example.org', 'Grace Hopper');
      const link = confirmationLink(await smtp.waitFor(to('grace@example.org')));
      assert.equal((await server.request(link)).status, 200);

      const again = await sign(server, slug, 'Grace@Example.org', 'Someone Else');
      const stranger = await sign(server, slug, 'new-signer@example.org');
      assert.equal(again, first, 'byte for byte');
      assert.equal(stranger, first);
      // The form's answer too: the same redirect for a repeat as for anyone.
      const viaForm = async (email: string) => (await postForm(server, `/petitions/${slug}/signatures`, { name: 'Form Signer', email })).headers.get('location');
      assert.equal(await viaForm('grace@example.org'), await viaForm('form-signer@example.org'));

      const already = await smtp.waitFor((m) => to('grace@example.org')(m) && /already signed/.test(m.subject ?? ''));
      assert.equal(already.subject, 'You have already signed: Light the canal path');
      assert.match(already.text ?? '', /^Hello Grace Hopper,/, 'the name it signed with, not the one just typed');
      assert.match(already.text ?? '', new RegExp(`/petitions/${slug}\\b`));
      assert.doesNotMatch(already.text ?? '', /confirm\//, 'nothing to confirm');
      await sign(server, slug, 'grace@example.org');
      await drained(server);
      assert.equal(smtp.messages.filter(to('grace@example.org')).length, 2, 'the confirmation and one "already signed": its two are spent');
    });

    test(`sign-in links to one address stop at ${DAILY_MAILS_PER_ADDRESS} a day, and the pages stay the same`, async () => {
      clock.set('2026-11-30T08:00:00Z');
      await server.adminToken(); // makes admin@example.org
      const pages = new Set<string>();
      for (let i = 0; i < DAILY_MAILS_PER_ADDRESS + 5; i++) {
        const res = await postForm(server, '/sign-in', { email: i % 3 ? 'Admin@Example.org' : ' admin@example.org' });
        pages.add(`${res.status} ${(await res.text()).replace(/name="_csrf" value="[^"]*"/, '')}`);
      }
      assert.equal(pages.size, 1);
      // Starting a petition with the same address: saved and answered as ever, but no further mail today.
      const started = await postForm(server, '/petitions/new', {
        kind: 'petition', target: 'The Council', title: 'Fix the swings', body: 'Fix the swings in the park.', why: 'Children play there.',
        organiserName: 'Admin', organiserEmail: 'admin@example.org',
      });
      assert.equal(started.status, 303);
      assert.equal(started.headers.get('location'), '/petitions/new/sent?kind=petition');
      await drained(server);
      const mails = smtp.messages.filter(to('admin@example.org'));
      assert.equal(mails.length, DAILY_MAILS_PER_ADDRESS);
      assert.ok(mails.every((m) => m.subject === 'Your link to sign in to Undersign'));

      clock.set('2026-12-01T08:00:00Z');
      assert.equal((await postForm(server, '/sign-in', { email: 'admin@example.org' })).status, 200);
      await smtp.waitFor(() => smtp.messages.filter(to('admin@example.org')).length === DAILY_MAILS_PER_ADDRESS + 1);
    });
  });

  describe(`signatures over the signing limits are not mailed, over HTTP on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let site: Site;
    let db: TestDatabase;
    let smtp: SmtpSink;
    let server: TestServer;

    before(async () => {
      site = await openSite({ database: create, smtp: true, env: { RATE_LIMIT: 'on', SIGN_LIMIT_PER_ADDRESS: '2' } });
      ({ db, smtp, server } = site);
    });
    after(() => site?.close());

    test('a signature flagged by the per-address limit gets no mail, and the same answer', async () => {
      const { slug } = await createPetitionViaApi(server);
      const answers = [];
      for (const email of ['one@example.org', 'two@example.org', 'three@example.org']) answers.push(await sign(server, slug, email));
      assert.deepEqual(new Set(answers), new Set(['202 {"status":"confirmation_sent"}']));
      await drained(server);
      assert.deepEqual(smtp.messages.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort(), ['one@example.org', 'two@example.org']);

      const raw = openEngine(db.url).db;
      try {
        const rows = await raw.selectFrom('signatures').select(['email', 'flag', 'mailed_at', 'confirmation_mails']).orderBy('email').execute();
        assert.deepEqual(
          rows.map((r) => [r.email, r.flag, r.mailed_at !== null, r.confirmation_mails]),
          [['one@example.org', null, true, 1], ['three@example.org', 'address', false, 0], ['two@example.org', null, true, 1]],
        );
      } finally {
        await raw.destroy();
      }
    });

    test('the privacy notice says what is counted, and for how long', async () => {
      const page = await (await server.request('/privacy')).text();
      for (const words of ['at most 2 emails', 'at most 20 emails a day', 'for 2 days, a one-way code made from the address', 'never the address itself']) assert.ok(page.includes(words), words);
    });
  });
}
