import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi } from '../support/server.ts';
import { startTestApp } from '../support/app.ts';
import { startSmtpSink, confirmationLink } from '../support/smtp.ts';
import { sqliteDatabase } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';

const waitUntil = async (check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

test('when the mail server is down, signing still works and the mail goes out once it is back', async () => {
  const db = sqliteDatabase();
  // Find a free port, then leave it closed: the SMTP server is "down".
  const probe = await startSmtpSink();
  const port = probe.port;
  await probe.close();
  const clock = fixedClock();
  const server = await startTestApp({ DATABASE_URL: db.url, SMTP_URL: `smtp://127.0.0.1:${port}` }, { clock });
  let smtp: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
  try {
    const { slug } = await createPetitionViaApi(server);
    const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Esi', email: 'esi@example.org' });
    assert.equal(res.status, 202, 'the signature is taken while mail is down');

    await waitUntil(async () => (await server.store.listOutbox(10)).some((m) => m.lastError !== null));
    const [queued] = await server.store.listOutbox(10);
    assert.equal(queued?.sentAt, null);
    assert.ok(queued?.lastError, 'the failure is recorded for the operator');
    assert.equal(queued?.attempts, 0, 'a relay that is down uses up none of the message’s tries');

    smtp = await startSmtpSink(port);
    // No clock moves: the relay is probed again after its pause (real time), not after a message's backoff.
    const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('esi@example.org'), 15_000);
    assert.equal((await server.request(confirmationLink(mail))).status, 200);
    assert.equal((await server.store.findPetitionBySlug(slug))?.signatureCount, 1);
    assert.equal(smtp.messages.length, 1, 'delivered once');
  } finally {
    await server.close();
    await smtp?.close();
    await db.drop();
  }
});
