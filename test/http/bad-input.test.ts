import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { fixedClock, type TestClock } from '../support/clock.ts';

/**
 * Bad, hostile and malformed input against a real listening server: every refusal has the
 * documented status and error shape, and nothing (signature, count, mail, petition, update) is written.
 */

const SCRIPT = '<script>alert(1)</script>';

interface ApiError {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** Asserts a JSON error answer of the documented shape and returns it. */
async function expectApiError(res: Response, status: number, code: string, fields: string[] = []): Promise<ApiError> {
  const text = await res.text();
  assert.equal(res.status, status, `status ${res.status}, body ${text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = JSON.parse(text) as ApiError;
  assert.deepEqual(Object.keys(body), ['error'], `only "error" at the top level: ${text}`);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0, 'a readable message');
  for (const key of Object.keys(body.error)) assert.ok(['code', 'message', 'fields'].includes(key), `unexpected key ${key}`);
  if (fields.length === 0) {
    assert.equal(body.error.fields, undefined, `no fields expected: ${text}`);
  } else {
    assert.ok(body.error.fields, `fields expected: ${text}`);
    for (const field of fields) {
      assert.equal(typeof body.error.fields[field], 'string', `fields.${field} in ${text}`);
      assert.ok(body.error.fields[field]!.length > 0);
    }
  }
  return body;
}

async function expectHtml(res: Response, status: number): Promise<string> {
  const html = await res.text();
  assert.equal(res.status, status, `status ${res.status}, body ${html.slice(0, 500)}`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  return html;
}

/** Everything a signing request could write: rows, counts and mail. */
interface Snapshot {
  pending: number;
  confirmed: number;
  signatureCount: number;
  outbox: number;
  lastMailId: number;
}

async function snapshot(server: TestServer, slug: string): Promise<Snapshot> {
  const petition = await server.store.findPetitionBySlug(slug);
  assert.ok(petition, `petition ${slug} exists`);
  const outbox = await server.store.listOutbox(100);
  return {
    pending: await server.store.countSignatures(petition.id, 'pending'),
    confirmed: await server.store.countSignatures(petition.id, 'confirmed'),
    signatureCount: petition.signatureCount,
    outbox: outbox.length,
    lastMailId: Math.max(0, ...outbox.map((m) => m.id)),
  };
}

async function assertNothingWritten(server: TestServer, slug: string, before: Snapshot, what: string): Promise<void> {
  assert.deepEqual(await snapshot(server, slug), before, `${what}: nothing was written`);
}

const form = (fields: Record<string, string>): URLSearchParams => new URLSearchParams(fields);

/** A raw HTTP request, for paths fetch would normalise or refuse to send. */
function rawRequest(address: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; contentType: string; body: string }> {
  const url = new URL(address);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input over HTTP (SQLite)', () => {
  let db: TestDatabase;
  /** SIGNATURE_CONFIRMATION=email (the default): signatures wait for their link. */
  let server: TestServer;
  /** Same database, SIGNATURE_CONFIRMATION=none: signatures count at once. */
  let instant: TestServer;
  let slug: string;

  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url });
    instant = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
    ({ slug } = await createPetitionViaApi(server, { title: 'Safe crossings outside every school' }));
  });
  after(async () => {
    await instant?.close();
    await server?.close();
    await db?.drop();
  });

  describe('API signing', () => {
    const path = () => `/api/v1/petitions/${slug}/signatures`;
    const valid = { name: 'Priya Shah', email: 'priya@example.org' };

    test('malformed JSON is 400 MALFORMED_BODY', async () => {
      const before = await snapshot(server, slug);
      for (const body of ['{"name": "Priya", "email": ', '{name: "Priya"}', "{'name':'x'}", 'not json at all', '{"name":"a","email":"a@example.org"}}']) {
        const res = await server.request(path(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await expectApiError(res, 400, 'MALFORMED_BODY');
      }
      await assertNothingWritten(server, slug, before, 'malformed JSON');
    });

    test('an empty JSON body is 400 MALFORMED_BODY', async () => {
      const before = await snapshot(server, slug);
      const res = await server.request(path(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
      await expectApiError(res, 400, 'MALFORMED_BODY');
      await assertNothingWritten(server, slug, before, 'empty body');
    });

    test('prototype-poisoning keys are refused as malformed, not a server error', async () => {
      const before = await snapshot(server, slug);
      for (const body of [
        '{"name":"Priya","email":"proto@example.org","__proto__":{"isAdmin":true}}',
        '{"name":"Priya","email":"ctor@example.org","constructor":{"prototype":{"isAdmin":true}}}',
      ]) {
        const res = await server.request(path(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await expectApiError(res, 400, 'MALFORMED_BODY');
      }
      await assertNothingWritten(server, slug, before, 'poisoned JSON');
    });

    test('a body over 64 KiB is 413 BODY_TOO_LARGE', async () => {
      const before = await snapshot(server, slug);
      const res = await server.postJson(path(), { ...valid, email: 'big@example.org', country: 'x'.repeat(70 * 1024) });
      await expectApiError(res, 413, 'BODY_TOO_LARGE');
      await assertNothingWritten(server, slug, before, 'oversized body');
    });

    test('text/plain, form-urlencoded and multipart bodies are 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const before = await snapshot(server, slug);
      const json = JSON.stringify({ name: 'Priya', email: 'plain@example.org' });
      // text/plain is what a cross-site <form enctype="text/plain"> sends: it must never sign.
      await expectApiError(await server.request(path(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: json }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectApiError(await server.request(path(), { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: json }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectApiError(await server.request(path(), { method: 'POST', body: form({ name: 'Priya', email: 'form@example.org' }) }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectApiError(
        await server.request(path(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Priya&email=form2%40example.org' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const multipart = new FormData();
      multipart.set('name', 'Priya');
      multipart.set('email', 'multi@example.org');
      await expectApiError(await server.request(path(), { method: 'POST', body: multipart }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectApiError(await server.request(path(), { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<sig/>' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await assertNothingWritten(server, slug, before, 'wrong content types');
    });

    test('missing name and email are 422 with fields.name and fields.email', async () => {
      const before = await snapshot(server, slug);
      const { error } = await expectApiError(await server.postJson(path(), {}), 422, 'VALIDATION_FAILED', ['name', 'email']);
      assert.equal(error.fields?.name, 'Enter your name.');
      assert.equal(error.fields?.email, 'Enter your email address.');
      // Blank, white space only, null and control characters only all count as missing.
      await expectApiError(await server.postJson(path(), { name: '   ', email: '\t\n ' }), 422, 'VALIDATION_FAILED', ['name', 'email']);
      await expectApiError(await server.postJson(path(), { name: null, email: null }), 422, 'VALIDATION_FAILED', ['name', 'email']);
      await expectApiError(await server.postJson(path(), { name: '\u0000\u0007\u001b', email: 'ctl@example.org' }), 422, 'VALIDATION_FAILED', ['name']);
      await assertNothingWritten(server, slug, before, 'missing fields');
    });

    test('fields of the wrong type are 422, never stored as "[object Object]"', async () => {
      const before = await snapshot(server, slug);
      await expectApiError(await server.postJson(path(), { name: 42, email: ['a@example.org'] }), 422, 'VALIDATION_FAILED', ['name', 'email']);
      await expectApiError(await server.postJson(path(), { name: { first: 'Priya' }, email: 'types@example.org' }), 422, 'VALIDATION_FAILED', ['name']);
      await expectApiError(await server.postJson(path(), { ...valid, email: 'consent@example.org', consent: 'maybe' }), 422, 'VALIDATION_FAILED', ['consent']);
      await expectApiError(await server.postJson(path(), { ...valid, email: 'pc@example.org', postcode: "CB2'; DROP" }), 422, 'VALIDATION_FAILED', ['postcode']);
      await assertNothingWritten(server, slug, before, 'wrong types');
    });

    test('an invalid email is 422 with fields.email', async () => {
      const before = await snapshot(server, slug);
      for (const email of ['not-an-email', 'priya@', '@example.org', 'priya@example', 'pri ya@example.org', 'priya@@example.org', `${'a'.repeat(250)}@example.org`, 'priya@example.org\nBcc: victim@example.org']) {
        const { error } = await expectApiError(await server.postJson(path(), { name: 'Priya', email }), 422, 'VALIDATION_FAILED', ['email']);
        assert.equal(error.fields?.name, undefined, `only the email is wrong (${JSON.stringify(email)})`);
      }
      await assertNothingWritten(server, slug, before, 'invalid emails');
    });

    test('a name over 100 characters is 422; exactly 100 is accepted', async () => {
      const before = await snapshot(server, slug);
      const { error } = await expectApiError(await server.postJson(path(), { name: 'N'.repeat(101), email: 'long@example.org' }), 422, 'VALIDATION_FAILED', ['name']);
      assert.match(error.fields?.name ?? '', /100 characters/);
      await assertNothingWritten(server, slug, before, 'long name');
      const ok = await server.postJson(path(), { name: 'N'.repeat(100), email: 'hundred@example.org' });
      assert.equal(ok.status, 202);
      assert.equal((await snapshot(server, slug)).pending, before.pending + 1);
    });

    test('an unknown petition is 404 NOT_FOUND, even with a valid or an invalid body', async () => {
      const before = await snapshot(server, slug);
      await expectApiError(await server.postJson('/api/v1/petitions/no-such-petition/signatures', valid), 404, 'NOT_FOUND');
      await expectApiError(await server.postJson('/api/v1/petitions/no-such-petition/signatures', {}), 404, 'NOT_FOUND');
      await assertNothingWritten(server, slug, before, 'unknown petition');
    });

    test('a JSON array, string, number or null body is 422 with fields.name and fields.email', async () => {
      const before = await snapshot(server, slug);
      for (const body of [[valid], [], 'name=Priya&email=priya@example.org', 12, null, true]) {
        await expectApiError(await server.postJson(path(), body), 422, 'VALIDATION_FAILED', ['name', 'email']);
      }
      await assertNothingWritten(server, slug, before, 'non-object bodies');
    });

    test('the same email twice (other case, surrounding spaces) gets identical bytes and is stored once', async () => {
      const { slug: twice } = await createPetitionViaApi(server, { title: 'Sign me twice' });
      const first = await server.postJson(`/api/v1/petitions/${twice}/signatures`, { name: 'Ben Okafor', email: 'ben.okafor@example.org' });
      const second = await server.postJson(`/api/v1/petitions/${twice}/signatures`, { name: 'Benjamin', email: '  BEN.Okafor@EXAMPLE.org \t' });
      const firstBytes = Buffer.from(await first.arrayBuffer());
      const secondBytes = Buffer.from(await second.arrayBuffer());
      assert.equal(first.status, 202);
      assert.equal(second.status, first.status);
      assert.ok(secondBytes.equals(firstBytes), `identical bodies: ${firstBytes} vs ${secondBytes}`);
      assert.equal(second.headers.get('content-type'), first.headers.get('content-type'));
      const id = (await server.store.findPetitionBySlug(twice))!.id;
      assert.equal(await server.store.countSignatures(id, 'pending'), 1);
      assert.equal(await server.store.countSignatures(id, 'confirmed'), 0);
      const mails = (await server.store.listOutbox(100)).filter((m) => m.to === 'ben.okafor@example.org');
      assert.equal(mails.length, 1, 'one confirmation mail, not one per attempt');
      assert.match(mails[0]!.text, /^Hello Ben Okafor,/, 'the first signature is the one kept');

      // Counting at once (SIGNATURE_CONFIRMATION=none): the repeat still answers the same and counts once.
      const a = await instant.postJson(`/api/v1/petitions/${twice}/signatures`, { name: 'Chloe', email: 'chloe@example.org' });
      const b = await instant.postJson(`/api/v1/petitions/${twice}/signatures`, { name: 'Chloe', email: ' CHLOE@example.org ' });
      assert.equal(a.status, 201);
      assert.equal(b.status, a.status);
      assert.equal(await b.text(), await a.text());
      assert.equal(await server.store.countSignatures(id, 'confirmed'), 1);
      assert.equal((await server.store.findPetitionBySlug(twice))!.signatureCount, 1);
    });

    test('control characters are stripped from a name that is stored and mailed, and refused in an address', async () => {
      const refused = await expectApiError(await server.postJson(path(), { name: 'Annie', email: 'ctl-strip@example.org\u0000' }), 422, 'VALIDATION_FAILED', ['email']);
      assert.match(refused.error.fields!.email!, /invisible character/);
      const res = await server.postJson(path(), { name: 'An\u0000n\u0007i\u001be\u007f', email: ' ctl-strip@example.org ' });
      assert.equal(res.status, 202);
      const [mail] = (await server.store.listOutbox(100)).filter((m) => m.to === 'ctl-strip@example.org');
      assert.ok(mail, 'the address was stored trimmed');
      assert.match(mail.text, /^Hello Annie,/);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(mail.text + mail.html + mail.subject, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
    });

    test('a script in the name is escaped in the confirmation mail', async () => {
      const res = await server.postJson(path(), { name: SCRIPT, email: 'script-mail@example.org' });
      assert.equal(res.status, 202);
      const [mail] = (await server.store.listOutbox(100)).filter((m) => m.to === 'script-mail@example.org');
      assert.ok(mail);
      assert.ok(!mail.html.includes(SCRIPT), 'the HTML mail never holds the raw script');
      assert.ok(mail.html.includes('&lt;script>') || mail.html.includes('&lt;script&gt;'));
    });
  });

  describe('closed petitions', () => {
    let closedDb: TestDatabase;
    let clock: TestClock;
    let closing: TestServer;

    before(async () => {
      closedDb = sqliteDatabase();
      clock = fixedClock('2026-11-28T12:00:00.000Z');
      closing = await startTestServer({ DATABASE_URL: closedDb.url }, { clock });
    });
    after(async () => {
      await closing?.close();
      await closedDb?.drop();
    });

    test('after its deadline a petition refuses signatures with 409 PETITION_CLOSED, in the API and the form', async () => {
      const created = await createPetitionViaApi(closing, { title: 'Closes tomorrow', closesAt: '2026-11-29T12:00:00.000Z' });
      assert.equal(created.state, 'open');
      const path = `/api/v1/petitions/${created.slug}/signatures`;
      // Before the deadline: signing works, and leaves a pending signature whose link we keep.
      assert.equal((await closing.postJson(path, { name: 'Early Bird', email: 'early@example.org' })).status, 202);
      const [mail] = (await closing.store.listOutbox(100)).filter((m) => m.to === 'early@example.org');
      const link = /https?:\/\/\S*confirm\S*/.exec(mail?.text ?? '')?.[0];
      assert.ok(link, 'a confirmation link was mailed');

      clock.advance(24 * 3600_000 + 1000);
      const before = await snapshot(closing, created.slug);
      assert.equal(before.pending, 1);

      await expectApiError(await closing.postJson(path, { name: 'Late Comer', email: 'late@example.org' }), 409, 'PETITION_CLOSED');
      await expectApiError(await closing.postJson(path, { name: 'Late Comer', email: ' EARLY@example.org ' }), 409, 'PETITION_CLOSED');
      const page = await expectHtml(await closing.request(`/petitions/${created.slug}/signatures`, { method: 'POST', body: form({ name: 'Late Comer', email: 'late2@example.org' }) }), 409);
      assert.match(page, /closed/i);
      await assertNothingWritten(closing, created.slug, before, 'signing a closed petition');

      // The petition page no longer offers the form.
      const shown = await expectHtml(await closing.request(`/petitions/${created.slug}`), 200);
      assert.ok(!shown.includes('class="sign-form"'));

      // A link followed after the deadline does not count.
      const confirm = await expectHtml(await fetch(link, { redirect: 'manual' }), 409);
      assert.match(confirm, /closed before your signature was confirmed/);
      await assertNothingWritten(closing, created.slug, before, 'confirming after the deadline');
    });

    test(
      'bad fields sent to a closed petition are 409 too, not a 422 page whose messages are not shown',
      async () => {
        const created = await createPetitionViaApi(closing, { title: 'Closes within the hour', closesAt: new Date(clock().getTime() + 3600_000).toISOString() });
        clock.advance(2 * 3600_000);
        const before = await snapshot(closing, created.slug);
        const page = await expectHtml(await closing.request(`/petitions/${created.slug}/signatures`, { method: 'POST', body: form({ name: '', email: '' }) }), 409);
        assert.match(page, /closed/i);
        await expectApiError(await closing.postJson(`/api/v1/petitions/${created.slug}/signatures`, { name: '', email: 'x' }), 409, 'PETITION_CLOSED');
        await assertNothingWritten(closing, created.slug, before, 'bad fields on a closed petition');
      },
    );
  });

  describe('the HTML sign form', () => {
    const path = () => `/petitions/${slug}/signatures`;

    test('empty fields re-render the page with 422, every message, and what was typed', async () => {
      const before = await snapshot(server, slug);
      const res = await server.request(path(), { method: 'POST', body: form({ name: '', email: '', postcode: 'CB2 1TN', country: 'Wales', consent: 'yes' }) });
      const html = await expectHtml(res, 422);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(html, /There is a problem/);
      assert.ok(html.includes('Enter your name.'), 'the name message');
      assert.ok(html.includes('Enter your email address.'), 'the email message');
      assert.ok(html.includes('value="CB2 1TN"'), 'the postcode is kept');
      assert.ok(html.includes('value="Wales"'), 'the country is kept');
      assert.match(html, /<input id="field-consent"[^>]*checked/, 'the consent box stays ticked');
      assert.match(html, /<input id="field-name"[^>]*aria-invalid="true"/);
      assert.match(html, /<input id="field-email"[^>]*aria-invalid="true"/);
      await assertNothingWritten(server, slug, before, 'empty form');
    });

    test('one bad field keeps the good ones typed', async () => {
      const before = await snapshot(server, slug);
      const html = await expectHtml(await server.request(path(), { method: 'POST', body: form({ name: 'Priya Shah', email: 'not-an-email' }) }), 422);
      assert.ok(html.includes('Enter an email address like name@example.com.'));
      assert.ok(html.includes('value="Priya Shah"'));
      assert.ok(html.includes('value="not-an-email"'));
      assert.ok(!html.includes('Enter your name.'));
      await assertNothingWritten(server, slug, before, 'bad email in the form');
    });

    test('a form post with no fields at all, or to an unknown petition, writes nothing', async () => {
      const before = await snapshot(server, slug);
      const html = await expectHtml(await server.request(path(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }), 422);
      assert.ok(html.includes('Enter your name.'));
      await expectHtml(await server.request('/petitions/no-such-petition/signatures', { method: 'POST', body: form({ name: 'Priya', email: 'priya@example.org' }) }), 404);
      await expectHtml(await server.request(path(), { method: 'POST', body: form({ name: 'x', email: 'big-form@example.org', country: 'x'.repeat(70 * 1024) }) }), 413);
      await assertNothingWritten(server, slug, before, 'empty and misdirected forms');
    });

    test('a script as the name is shown escaped when the form is re-rendered', async () => {
      const before = await snapshot(server, slug);
      const html = await expectHtml(await server.request(path(), { method: 'POST', body: form({ name: SCRIPT, email: 'nope', country: '"><img src=x onerror=alert(1)>' }) }), 422);
      assert.ok(!html.includes(SCRIPT), 'the raw script never appears');
      assert.ok(!html.includes('<img src=x'), 'an attribute break-out never appears');
      assert.match(html, /<input id="field-name"[^>]*value="&lt;script>alert\(1\)&lt;\/script>"/);
      await assertNothingWritten(server, slug, before, 'script in the form');
    });

    test('a script as the name of a valid signature appears nowhere unescaped', async () => {
      const before = await snapshot(server, slug);
      const res = await instant.request(path(), { method: 'POST', body: form({ name: SCRIPT, email: 'script-page@example.org', country: SCRIPT }) });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `/petitions/${slug}/signed`);
      const after = await snapshot(server, slug);
      assert.equal(after.confirmed, before.confirmed + 1, 'the signature counted');
      for (const page of [`/petitions/${slug}`, `/petitions/${slug}/signed`, '/petitions', '/', `/api/v1/petitions/${slug}`, '/dev/outbox']) {
        const body = await (await server.request(page)).text();
        assert.ok(!body.includes(SCRIPT), `no raw script on ${page}`);
      }
    });

    test('control characters typed into the form are stripped before storing', async () => {
      const res = await server.request(path(), { method: 'POST', body: form({ name: 'Jo\u0000na\u0008h\u001f', email: 'form-ctl@example.org' }) });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `/petitions/${slug}/check-your-email`);
      const [mail] = (await server.store.listOutbox(100)).filter((m) => m.to === 'form-ctl@example.org');
      assert.match(mail?.text ?? '', /^Hello Jonah,/);
    });

    test(
      'control characters are stripped from the values a re-rendered form shows',
      async () => {
        const html = await expectHtml(await server.request(path(), { method: 'POST', body: form({ name: 'Jo\u0000na\u0008h', email: 'nope' }) }), 422);
        // eslint-disable-next-line no-control-regex
        assert.doesNotMatch(html, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
        assert.ok(html.includes('value="Jonah"'));
      },
    );
  });

  describe('cross-site form posts', () => {
    const path = () => `/petitions/${slug}/signatures`;
    const signer = (email: string) => form({ name: 'Cross Site', email });

    test('an Origin of another site is 403 and writes nothing', async () => {
      const before = await snapshot(server, slug);
      for (const origin of ['https://evil.example', 'null', `http://evil.example:${new URL(server.address).port}`, 'https://127.0.0.1.evil.example']) {
        const res = await server.request(path(), { method: 'POST', headers: { origin }, body: signer('evil@example.org') });
        const html = await expectHtml(res, 403);
        assert.match(html, /only be sent from this site/);
      }
      await assertNothingWritten(server, slug, before, 'cross-site Origin');
    });

    test('Sec-Fetch-Site: cross-site (or same-site) is 403 and writes nothing', async () => {
      const before = await snapshot(server, slug);
      for (const site of ['cross-site', 'same-site']) {
        await expectHtml(await server.request(path(), { method: 'POST', headers: { 'sec-fetch-site': site }, body: signer('fetch-site@example.org') }), 403);
      }
      // A same-origin Origin does not excuse a browser's own cross-site verdict.
      await expectHtml(
        await server.request(path(), { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', origin: server.address }, body: signer('fetch-site@example.org') }),
        403,
      );
      await assertNothingWritten(server, slug, before, 'Sec-Fetch-Site cross-site');
    });

    test('a cross-site post of invalid fields is still refused before validation', async () => {
      const before = await snapshot(server, slug);
      await expectHtml(await server.request(path(), { method: 'POST', headers: { origin: 'https://evil.example' }, body: form({ name: '', email: '' }) }), 403);
      await assertNothingWritten(server, slug, before, 'cross-site invalid');
    });

    test('a same-origin post is 303 and signs', async () => {
      const before = await snapshot(server, slug);
      const res = await server.request(path(), { method: 'POST', headers: { origin: server.address, 'sec-fetch-site': 'same-origin' }, body: signer('same-origin@example.org') });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `/petitions/${slug}/check-your-email`);
      assert.equal((await snapshot(server, slug)).pending, before.pending + 1);
      // A user typing the address (Sec-Fetch-Site: none) or a client without those headers is not cross-site.
      const direct = await server.request(path(), { method: 'POST', headers: { 'sec-fetch-site': 'none' }, body: signer('direct@example.org') });
      assert.equal(direct.status, 303);
    });

    test('a cross-site text/plain post to the API cannot sign', async () => {
      const before = await snapshot(server, slug);
      const res = await server.request(`/api/v1/petitions/${slug}/signatures`, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
        body: JSON.stringify({ name: 'CSRF', email: 'csrf@example.org' }),
      });
      await expectApiError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await assertNothingWritten(server, slug, before, 'text/plain CSRF on the API');
    });
  });

  describe('API creation', () => {
    const petition = { title: 'Bad input petition', target: 'The Council', body: 'Do it.', why: 'Because.' };

    test('no token, a bad token, or another scheme is 401 and creates nothing', async () => {
      const count = await server.store.countPetitions();
      await expectApiError(await server.postJson('/api/v1/petitions', petition), 401, 'UNAUTHENTICATED');
      for (const authorization of ['Bearer us_not-a-real-token', 'Bearer ', 'Bearer', `Basic ${Buffer.from('admin@example.org:correct horse battery staple').toString('base64')}`, "Bearer ' or 1=1--"]) {
        await expectApiError(await server.postJson('/api/v1/petitions', petition, { authorization }), 401, 'UNAUTHENTICATED');
      }
      const token = await server.adminToken();
      await expectApiError(await server.postJson('/api/v1/petitions', petition, { authorization: `Bearer ${token}x` }), 401, 'UNAUTHENTICATED');
      await expectApiError(await server.postJson(`/api/v1/petitions/${slug}/updates`, { text: 'Hi' }), 401, 'UNAUTHENTICATED');
      assert.equal(await server.store.countPetitions(), count);
    });

    test('an unknown category is 422 with fields.category', async () => {
      const count = await server.store.countPetitions();
      const auth = { authorization: `Bearer ${await server.adminToken()}` };
      const { error } = await expectApiError(await server.postJson('/api/v1/petitions', { ...petition, category: 'no-such-category' }, auth), 422, 'VALIDATION_FAILED', ['category']);
      assert.match(error.fields?.category ?? '', /no-such-category/);
      await expectApiError(await server.postJson('/api/v1/petitions', { ...petition, category: "education' or '1'='1" }, auth), 422, 'VALIDATION_FAILED', ['category']);
      assert.equal(await server.store.countPetitions(), count);
    });

    test('closesAt in the past, or not a date, is 422 with fields.closesAt', async () => {
      const count = await server.store.countPetitions();
      const auth = { authorization: `Bearer ${await server.adminToken()}` };
      for (const closesAt of ['2020-01-01T00:00:00Z', new Date(Date.now() - 60_000).toISOString(), 'tomorrow', '31/12/2099', 12345]) {
        await expectApiError(await server.postJson('/api/v1/petitions', { ...petition, closesAt }, auth), 422, 'VALIDATION_FAILED', ['closesAt']);
      }
      assert.equal(await server.store.countPetitions(), count);
    });

    test('missing or oversized fields are 422, each named', async () => {
      const count = await server.store.countPetitions();
      const auth = { authorization: `Bearer ${await server.adminToken()}` };
      await expectApiError(await server.postJson('/api/v1/petitions', {}, auth), 422, 'VALIDATION_FAILED', ['target', 'title', 'body', 'why']);
      await expectApiError(await server.postJson('/api/v1/petitions', [petition], auth), 422, 'VALIDATION_FAILED', ['target', 'title']);
      await expectApiError(
        await server.postJson('/api/v1/petitions', { ...petition, title: 'T'.repeat(151), kind: 'referendum', goal: -5 }, auth),
        422,
        'VALIDATION_FAILED',
        ['title', 'kind', 'goal'],
      );
      await expectApiError(await server.request('/api/v1/petitions', { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"title":' }), 400, 'MALFORMED_BODY');
      assert.equal(await server.store.countPetitions(), count);
    });

    test('an update whose url is javascript: (or any non-web scheme) is 422 with fields.url', async () => {
      const auth = { authorization: `Bearer ${await server.adminToken()}` };
      const id = (await server.store.findPetitionBySlug(slug))!.id;
      const updates = (await server.store.listUpdates(id)).length;
      const outbox = (await server.store.listOutbox(100)).length;
      for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', '  javascript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', '//evil.example/']) {
        const { error } = await expectApiError(await server.postJson(`/api/v1/petitions/${slug}/updates`, { text: 'Look at this', url }, auth), 422, 'VALIDATION_FAILED', ['url']);
        assert.equal(error.fields?.text, undefined);
      }
      await expectApiError(await server.postJson(`/api/v1/petitions/${slug}/updates`, { text: '' }, auth), 422, 'VALIDATION_FAILED', ['text']);
      await expectApiError(await server.postJson('/api/v1/petitions/no-such-petition/updates', { text: 'Hi' }, auth), 404, 'NOT_FOUND');
      assert.equal((await server.store.listUpdates(id)).length, updates, 'no update stored');
      assert.equal((await server.store.listOutbox(100)).length, outbox, 'no update mailed');
      const page = await (await server.request(`/petitions/${slug}`)).text();
      assert.ok(!/href="\s*javascript:/i.test(page));
    });

    test('markup in a petition created through the API is shown escaped everywhere', async () => {
      const auth = { authorization: `Bearer ${await server.adminToken()}` };
      const breakOut = '"><img src=x onerror=alert(1)>';
      const res = await server.postJson('/api/v1/petitions', { title: `${SCRIPT} title`, target: breakOut, body: `${SCRIPT}\n\n${breakOut}`, why: SCRIPT, location: breakOut }, auth);
      assert.equal(res.status, 201);
      const created = (await res.json()) as { slug: string; title: string };
      assert.equal(created.title, `${SCRIPT} title`, 'the API keeps the text as text');
      assert.match(created.slug, /^[a-z0-9-]+$/, 'the slug holds no markup');
      for (const page of [`/petitions/${created.slug}`, '/petitions', '/']) {
        const html = await (await server.request(page)).text();
        assert.ok(!html.includes(SCRIPT), `no raw script on ${page}`);
        assert.ok(!html.includes('<img src=x'), `no attribute break-out on ${page}`);
      }
    });
  });

  describe('query parameters and paths', () => {
    test('a cursor that is not a petition id is 400 with fields.cursor', async () => {
      for (const cursor of ['abc', '-1', '1.5', '1e3', "1' or '1'='1", '1;DROP TABLE petitions', '9'.repeat(13), '0x10']) {
        const res = await server.request(`/api/v1/petitions?cursor=${encodeURIComponent(cursor)}`);
        await expectApiError(res, 400, 'MALFORMED_BODY', ['cursor']);
      }
      await expectApiError(await server.request('/api/v1/petitions?cursor=1&cursor=2'), 400, 'MALFORMED_BODY', ['cursor']);
      await expectHtml(await server.request('/petitions?cursor=abc'), 400);
    });

    test('limit=0, limit=1000 and other bad limits are 400 with fields.limit', async () => {
      for (const limit of ['0', '1000', '101', '-1', '1.5', 'abc', '', ' 5', '5 or 1=1']) {
        const res = await server.request(`/api/v1/petitions?limit=${encodeURIComponent(limit)}`);
        await expectApiError(res, 400, 'MALFORMED_BODY', ['limit']);
      }
      const ok = await server.request('/api/v1/petitions?limit=100');
      assert.equal(ok.status, 200);
    });

    test('SQL fragments in a slug are 404, and the data is still there', async () => {
      const total = await server.store.countPetitions();
      for (const bad of ["x'%20or%201=1--", "x'%20OR%20'1'='1", '%27%3B%20DROP%20TABLE%20petitions%3B--', "x%22%20or%20%221%22=%221", '*', '%25']) {
        await expectApiError(await server.request(`/api/v1/petitions/${bad}`), 404, 'NOT_FOUND');
        await expectApiError(await server.request(`/api/v1/petitions/${bad}/count`), 404, 'NOT_FOUND');
        await expectApiError(await server.postJson(`/api/v1/petitions/${bad}/signatures`, { name: 'Sql', email: 'sql@example.org' }), 404, 'NOT_FOUND');
        await expectHtml(await server.request(`/petitions/${bad}`), 404);
      }
      assert.equal(await server.store.countPetitions(), total);
      const list = await server.request('/api/v1/petitions');
      assert.equal(list.status, 200);
      assert.ok(((await list.json()) as { data: unknown[] }).data.length > 0);
    });

    test('an unknown API path or method answers with the error shape', async () => {
      await expectApiError(await server.request('/api/v1/nothing-here'), 404, 'NOT_FOUND');
      await expectApiError(await server.request('/api/v1/petitions', { method: 'DELETE' }), 404, 'NOT_FOUND');
    });

    test(
      'a path with broken percent-encoding or an over-long segment answers with the error shape',
      async () => {
        const api = await rawRequest(server.address, 'GET', '/api/v1/petitions/%E0%A4%A');
        assert.equal(api.status, 400);
        assert.match(api.contentType, /^application\/json/);
        const body = JSON.parse(api.body) as ApiError;
        assert.equal(body.error.code, 'MALFORMED_BODY');
        assert.equal(typeof body.error.message, 'string');
        const page = await rawRequest(server.address, 'GET', '/petitions/%E0%A4%A');
        assert.equal(page.status, 400);
        assert.match(page.contentType, /^text\/html/);

        // Nothing can live at an address with a segment over 100 characters: a plain not-found.
        const long = await rawRequest(server.address, 'GET', `/api/v1/petitions/${'a'.repeat(101)}`);
        assert.ok([404, 414].includes(long.status), `status ${long.status}`);
        assert.match(long.contentType, /^application\/json/);
        assert.equal(typeof (JSON.parse(long.body) as ApiError).error.code, 'string');
        const link = await rawRequest(server.address, 'GET', `/signatures/confirm/${'a'.repeat(101)}`);
        assert.ok([404, 414].includes(link.status), `status ${link.status}`);
        assert.match(link.contentType, /^text\/html/, 'a mistyped confirmation link shows a page, not JSON');
      },
    );
  });

  describe('confirmation links', () => {
    test('a garbage token is a 404 page and confirms nothing', async () => {
      const { slug: pendingSlug } = await createPetitionViaApi(server, { title: 'Confirm me properly' });
      assert.equal((await server.postJson(`/api/v1/petitions/${pendingSlug}/signatures`, { name: 'Dev', email: 'dev@example.org' })).status, 202);
      const [mail] = (await server.store.listOutbox(100)).filter((m) => m.to === 'dev@example.org');
      const real = /\/signatures\/confirm\/([A-Za-z0-9_.-]+)/.exec(mail?.text ?? '')?.[1];
      assert.ok(real, 'the real token');
      const before = await snapshot(server, pendingSlug);
      assert.equal(before.pending, 1);

      const flipped = (real[0] === 'A' ? 'B' : 'A') + real.slice(1);
      // The right time in front of a wrong secret, and the right secret without its time.
      const wrongSecret = real.slice(0, -1) + (real.endsWith('A') ? 'B' : 'A');
      const secretAlone = real.slice(real.indexOf('.') + 1);
      for (const token of ['garbage', randomBytes(32).toString('base64url'), flipped, wrongSecret, secretAlone, `${real}x`, real.slice(0, -1), "'%20or%20'1'='1", '%00', 'a'.repeat(100), '..%2F..%2Fadmin']) {
        const res = await server.request(`/signatures/confirm/${token}`);
        const html = await expectHtml(res, 404);
        assert.match(html, /This link does not work/);
        assert.equal(res.headers.get('cache-control'), 'no-store');
      }
      await assertNothingWritten(server, pendingSlug, before, 'garbage confirmation tokens');

      // The real link still works afterwards: the garbage did not spoil it.
      assert.equal((await server.request(`/signatures/confirm/${real}`)).status, 200);
      const after = await snapshot(server, pendingSlug);
      assert.deepEqual([after.pending, after.confirmed, after.signatureCount], [0, 1, 1]);
    });
  });
});
