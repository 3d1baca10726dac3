import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { confirmationLink, type SmtpSink } from '../support/smtp.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { formBody } from '../support/cookie-jar.ts';
import { openEngine, type Engine } from '../../src/store/engine.ts';
import { EMAIL_PROBLEM_MESSAGES } from '../../src/domain/email.ts';

const sign = async (server: TestServer, slug: string, email: string) => {
  const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Vic Tim', email });
  return { status: res.status, body: (await res.json()) as { status?: string; error?: { code: string; fields?: Record<string, string> } } };
};

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Issue 14, item 1: one mailbox is one signature, however its address is typed.
for (const { engine, skip, create } of await testEngines()) {
  describe(`one mailbox, one signature, over HTTP on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let site: Site;
    let db: TestDatabase;
    let smtp: SmtpSink;
    let server: TestServer;
    let raw: Engine;
    const drained = () => waitUntil(async () => (await server.store.listOutbox(10_000)).every((m) => m.sentAt !== null || m.failedAt !== null), 'the outbox drains');
    const rows = (slug: string) =>
      raw.db
        .selectFrom('signatures')
        .innerJoin('petitions', 'petitions.id', 'signatures.petition_id')
        .select(['signatures.email', 'signatures.flag'])
        .where('petitions.slug', '=', slug)
        .orderBy('signatures.id')
        .execute();

    before(async () => {
      site = await openSite({ database: create, smtp: true, env: { SIGN_LIMIT_PER_DOMAIN: '2', RATE_LIMIT: 'on' } });
      ({ db, smtp, server } = site);
      raw = openEngine(db.url);
    });
    after(async () => {
      await raw?.db.destroy();
      await site?.close();
    });

    test('the five spellings of one inbox the review found make one signature and one mail', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Keep the night buses running' });
      assert.equal((await sign(server, slug, 'victim@example.com')).status, 202);
      const tricks = { 'victim@example.com\u200b': 'invisible', 'vic\u200btim@example.com': 'invisible', 'victim@exa\u00admple.com': 'invisible', '"victim"@example.com': 'quoted' } as const;
      for (const [email, problem] of Object.entries(tricks)) {
        const { status, body } = await sign(server, slug, email);
        assert.equal(status, 422, JSON.stringify(email));
        assert.equal(body.error?.code, 'VALIDATION_FAILED');
        assert.equal(body.error?.fields?.email, EMAIL_PROBLEM_MESSAGES[problem]);
      }
      await drained();
      assert.deepEqual(smtp.recipients.filter((r) => r.join().includes('victim')), [['victim@example.com']]);
      assert.equal((await server.request(confirmationLink(smtp.messages.find((m) => JSON.stringify(m.to).includes('victim'))!))).status, 200);
      assert.deepEqual(await rows(slug), [{ email: 'victim@example.com', flag: null }]);
      const petition = (await (await server.request(`/api/v1/petitions/${slug}`)).json()) as { signatureCount: number };
      assert.equal(petition.signatureCount, 1);
    });

    test('the sign form says what is wrong with an address holding an invisible character, next to the field', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Mend the library roof' });
      const res = await server.request(`/petitions/${slug}/signatures`, {
        method: 'POST',
        body: formBody({ name: 'Vic Tim', email: 'vic\u200btim@example.com' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.config.baseUrl },
      });
      assert.equal(res.status, 422);
      const html = await res.text();
      assert.ok(html.includes('This address contains an invisible character'), html.slice(0, 400));
      assert.deepEqual(await rows(slug), []);
    });

    test('an international domain typed in Unicode and in ASCII is one signer, and every mail reaches one mailbox', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Open the school fields at weekends' });
      const first = await sign(server, slug, 'idn@exämple.com');
      const second = await sign(server, slug, 'IDN@xn--exmple-cua.com');
      assert.deepEqual(second, first, 'a repeat gets the same answer as a first signature');
      assert.deepEqual(await rows(slug), [{ email: 'idn@xn--exmple-cua.com', flag: null }]);
      await drained();
      const mailed = smtp.recipients.filter((r) => r.join().startsWith('idn@'));
      assert.ok(mailed.length >= 1);
      // The relay (smtp-server) hands its recipients over with IDNA domains decoded to Unicode.
      for (const r of mailed) assert.deepEqual(r, ['idn@exämple.com']);
    });

    test('the throwaway-domain filter is not walked round with an invisible character or full-width letters', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Fix the crossing on Mill Road' });
      assert.equal((await sign(server, slug, 'spam@mailinator.com\u200b')).status, 422);
      const fullWidth = await sign(server, slug, 'spam@ｍailinator.com');
      assert.equal(fullWidth.status, 422);
      assert.match(fullWidth.body.error?.fields?.email ?? '', /throwaway/);
      assert.deepEqual(await rows(slug), []);
    });

    test('the per-domain limit counts a domain once, however it is typed', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Plant trees on the ring road' });
      for (const email of ['a@münchen-stadt.de', 'b@xn--mnchen-stadt-dlb.de', 'c@MÜNCHEN-stadt.de', 'd@xn--mnchen-stadt-dlb.de']) {
        assert.equal((await sign(server, slug, email)).status, 202);
      }
      const stored = await rows(slug);
      assert.ok(stored.every((r) => r.email.endsWith('@xn--mnchen-stadt-dlb.de')), JSON.stringify(stored));
      assert.deepEqual(stored.map((r) => r.flag), [null, null, 'domain', 'domain'], 'past two per domain, the rest are held back');
    });
  });
}
