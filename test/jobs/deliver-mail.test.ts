import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import { MailDelivery } from '../../src/jobs/deliver-mail.ts';
import type { Mailer } from '../../src/mail/mailer.ts';
import { testEngines } from '../support/engines.ts';

const quiet = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A relay whose sends take `sendMs` each (Infinity: they never finish); counts what it was given. */
function relay(sendMs: number) {
  let started = 0;
  const mailer: Mailer = {
    name: 'test',
    send: () => (started++, sendMs === Infinity ? new Promise<void>(() => {}) : sleep(sendMs).then(() => undefined)),
    close() {},
  };
  return { mailer, started: () => started };
}

/** The outbox as the database holds it, read over a connection of its own. */
async function outbox(databaseUrl: string) {
  const { db } = openEngine(databaseUrl);
  try {
    return await db.selectFrom('outbox').select(['id', 'sent_at', 'claimed_by', 'locked_until']).execute();
  } finally {
    await db.destroy();
  }
}

for (const { engine, skip, create } of await testEngines()) {
  describe(`mail delivery stopping at shutdown (${engine})`, { skip }, () => {
    const start = async (sendMs: number) => {
      const database = await create();
      const store = await openStore(openEngine(database.url));
      await store.enqueueMail(Array.from({ length: 200 }, (_, i) => ({ kind: 'petition-update', to: `reader-${i}@example.org`, subject: 'News', text: 'Hello', html: '<p>Hello</p>' })), new Date());
      const { mailer, started } = relay(sendMs);
      const delivery = new MailDelivery({ store, mailer, clock: () => new Date(), logger: quiet, concurrency: 4, ratePerSecond: null, leaseMs: 60_000 });
      delivery.start();
      return { database, store, delivery, started };
    };

    test('sends that finish in time are recorded; the rest of the backlog is handed back, not sent', async () => {
      const { database, store, delivery, started } = await start(100);
      try {
        while (started() < 4) await sleep(5);
        await delivery.stop(5000);
        const rows = await outbox(database.url);
        const sent = rows.filter((r) => r.sent_at !== null);
        assert.equal(sent.length, started(), 'each send started was waited for and recorded');
        assert.ok(sent.length < 50, `the backlog was not drained (${sent.length} sent)`);
        assert.deepEqual(rows.filter((r) => r.claimed_by !== null || r.locked_until !== null), [], 'nothing is left leased');
      } finally {
        await store.close();
        await database.drop();
      }
    });

    test('sends that hang are waited for only until the time given, and keep their lease', async () => {
      const { database, store, delivery, started } = await start(Infinity);
      try {
        while (started() < 4) await sleep(5);
        const before = Date.now();
        await delivery.stop(300);
        const took = Date.now() - before;
        assert.ok(took >= 250 && took < 3000, `stop took ${took} ms`);
        assert.equal(delivery.state.inFlight, 4);
        const rows = await outbox(database.url);
        const leased = rows.filter((r) => r.claimed_by !== null);
        assert.equal(leased.length, 4, 'only the mails in flight stay leased: another process sends them when the lease ends');
        assert.equal(rows.filter((r) => r.sent_at !== null).length, 0);
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
