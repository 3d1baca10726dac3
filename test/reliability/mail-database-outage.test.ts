import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';

// Issue 20: PostgreSQL shut down between a mail's send and its "sent" mark. Before, the mail went
// out twice, 294 s apart: the failed bookkeeping was taken for a failed send.
describe('the database goes away while mail is on its way to the relay', { skip: privatePostgresUnavailable() ?? false }, () => {
  let db: PrivatePostgres;
  let smtp: SmtpSink;
  let server: TestServer;

  before(async () => {
    db = await startPrivatePostgres();
    // The relay takes its time over each message, so the sends are in flight when the database stops.
    smtp = await startSmtpSink(0, { delayMs: 1500 });
    server = await startTestServer({ DATABASE_URL: db.url, SMTP_URL: smtp.url, LOG_LEVEL: 'silent' });
  });
  after(async () => {
    await server?.close().catch(() => {});
    await smtp?.close();
    db?.destroy();
  });

  test('every mail is delivered exactly once, and marked sent once the database is back', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Save the night bus' });
    const signers = Array.from({ length: 20 }, (_, i) => `outage-${i}@example.org`);
    for (const email of signers) {
      const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Sam', email });
      assert.equal(res.status, 202);
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.messages.length, 0, 'nothing has reached the relay yet: the sends are in flight');
    await db.stop();
    await new Promise((r) => setTimeout(r, 3000));
    await db.start();

    const deadline = Date.now() + 30_000;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const unsent = async () => Number((await client.query("select count(*) as n from outbox where sent_at is null and kind = 'confirm-signature'")).rows[0].n);
      while ((await unsent()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.equal(await unsent(), 0, 'every confirmation mail is marked sent');
    } finally {
      await client.end();
    }
    // Longer than a retry would take, so a second copy would have arrived.
    await new Promise((r) => setTimeout(r, 3000));
    const received = smtp.recipients.flat().filter((r) => r.startsWith('outage-')).sort();
    assert.deepEqual(received, [...signers].sort(), 'each signer got their mail exactly once');
  });
});
