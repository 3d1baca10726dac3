import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, startTestApp, type Site } from '../support/app.ts';
import { confirmationLink, type SmtpSink } from '../support/smtp.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';

for (const { engine, skip, create } of await testEngines()) {
  describe(`signing through the API on ${engine}, with mail over real SMTP`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let site: Site;
    let db: TestDatabase;
    let smtp: SmtpSink;
    let server: TestServer;

    before(async () => {
      site = await openSite({ database: create, smtp: true, env: { MAIL_FROM: 'Undersign <petitions@undersign.test>' } });
      ({ db, smtp, server } = site);
    });
    after(() => site?.close());

    test('Priya signs, confirms from her inbox, and the count and API show it', async () => {
      const created = await createPetitionViaApi(server, { kind: 'pledge', location: 'Cambridge, UK', category: 'Education', goal: 50 });
      assert.equal(created.state, 'open');
      assert.equal(created.kind, 'pledge');
      assert.deepEqual(created.location, { name: 'Cambridge, United Kingdom', lat: 52.2, lon: 0.11667 });
      assert.deepEqual(created.category, { slug: 'education', name: 'Education' });
      assert.deepEqual(created.updates, []);

      const res = await server.postJson(`/api/v1/petitions/${created.slug}/signatures`, { name: 'Priya Shah', email: ' Priya@Example.org ', postcode: 'cb2 1tn', consent: true });
      assert.equal(res.status, 202);
      assert.deepEqual(await res.json(), { status: 'confirmation_sent' });

      // Unconfirmed: nothing counts yet.
      let count = await (await server.request(`/api/v1/petitions/${created.slug}/count`)).json();
      assert.equal(count.signatureCount, 0);

      const mail = await smtp.waitFor((m) => m.to !== undefined && JSON.stringify(m.to).includes('priya@example.org'));
      assert.match(mail.subject ?? '', /confirm your pledge/i);
      assert.equal(mail.from?.value[0]?.address, 'petitions@undersign.test');
      const links = (mail.text ?? '').match(/https?:\/\/\S+/g) ?? [];
      assert.equal(links.length, 1, 'the plain-text body holds one link');
      const link = confirmationLink(mail);
      assert.ok(new URL(link).pathname.includes('confirm'));

      const confirm = await server.request(link);
      assert.equal(confirm.status, 200);
      assert.match(await confirm.text(), /Thank you for pledging/);
      const again = await server.request(link);
      assert.equal(again.status, 200, 'following the link twice is harmless');

      count = await (await server.request(`/api/v1/petitions/${created.slug}/count`)).json();
      assert.equal(count.slug, created.slug);
      assert.equal(count.signatureCount, 1);
      assert.ok(!Number.isNaN(Date.parse(count.at)));

      const petition = await (await server.request(`/api/v1/petitions/${created.slug}`)).json();
      assert.equal(petition.signatureCount, 1);
      assert.equal(petition.url, `${server.config.baseUrl}/petitions/${created.slug}`);
      for (const key of ['slug', 'url', 'kind', 'title', 'target', 'body', 'why', 'category', 'location', 'state', 'signatureCount', 'goal', 'createdAt', 'closesAt', 'campaign', 'updates']) {
        assert.ok(key in petition, `petition JSON has ${key}`);
      }
    });

    test('a second signature with the same address gets the same answer and counts once', async () => {
      const { slug } = await createPetitionViaApi(server);
      const first = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Ben', email: 'ben@example.org' });
      const second = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Benjamin', email: '  BEN@example.ORG' });
      assert.equal(first.status, second.status);
      assert.equal(await first.text(), await second.text());
      const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('ben@example.org'));
      await server.request(confirmationLink(mail));
      const petition = await server.store.findPetitionBySlug(slug);
      assert.equal(petition?.signatureCount, 1);
      assert.equal(await server.store.countSignatures(petition!.id, 'pending'), 0);
    });

    test('an organiser update appears in the timeline and reaches only signers who consented', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Update test petition' });
      for (const [name, email, consent] of [['Keen', 'keen@example.org', true], ['Quiet', 'quiet@example.org', false]] as const) {
        await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name, email, consent });
        await server.request(confirmationLink(await smtp.waitFor((m) => JSON.stringify(m.to).includes(email))));
      }
      const res = await server.postJson(
        `/api/v1/petitions/${slug}/updates`,
        { text: 'We delivered the petition today.', url: 'https://example.org/news' },
        { authorization: `Bearer ${await server.adminToken()}` },
      );
      assert.equal(res.status, 201);
      const update = await res.json();
      assert.equal(update.type, 'update');
      assert.equal(update.url, 'https://example.org/news');
      const update_mail = await smtp.waitFor((m) => m.subject === 'Update: Update test petition');
      assert.match(update_mail.text ?? '', /We delivered the petition today/);
      assert.ok(JSON.stringify(update_mail.to).includes('keen@example.org'));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(smtp.messages.filter((m) => m.subject === 'Update: Update test petition').length, 1, 'the signer who did not consent gets nothing');
      const petition = await (await server.request(`/api/v1/petitions/${slug}`)).json();
      assert.equal(petition.updates[0].text, 'We delivered the petition today.');
    });

    test('300 concurrent signatures count exactly, with each milestone recorded once', async () => {
      const { slug } = await createPetitionViaApi(server, { title: 'Concurrency' });
      const quick = await startTestApp({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
      try {
        const answers = await Promise.all(
          Array.from({ length: 300 }, (_, i) => quick.postJson(`/api/v1/petitions/${slug}/signatures`, { name: `Signer ${i}`, email: `crowd-${i}@example.org` })),
        );
        assert.deepEqual(new Set(answers.map((r) => r.status)), new Set([201]));
        const petition = await (await quick.request(`/api/v1/petitions/${slug}`)).json();
        assert.equal(petition.signatureCount, 300);
        const milestones = petition.updates.filter((u: { type: string }) => u.type === 'milestone').map((u: { count: number }) => u.count);
        assert.deepEqual(milestones.sort((a: number, b: number) => a - b), [10, 25, 50, 100, 250]);
        for (const u of petition.updates) if (u.type === 'milestone') assert.equal(u.text, `${u.count} signatures reached`);
      } finally {
        await quick.close();
      }
    });
  });
}
