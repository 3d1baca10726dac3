import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import { MailDelivery } from '../../src/jobs/deliver-mail.ts';
import type { Mailer } from '../../src/mail/mailer.ts';
import type { Store } from '../../src/store/store.ts';
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

for (const { engine, skip, create } of await testEngines()) {
  describe(`mail delivery keeps its leases while it holds the mail (${engine})`, { skip }, () => {
    const LEASE_MS = 1000;
    const start = async (mails: number, sendMs: number, { concurrency = 2, wrap = (s: Store) => s } = {}) => {
      const database = await create();
      const store = await openStore(openEngine(database.url));
      await store.enqueueMail(Array.from({ length: mails }, (_, i) => ({ kind: 'confirm-signature', to: `signer-${i}@example.org`, subject: 'Confirm', text: 'link', html: '<p>link</p>' })), new Date());
      const { mailer, started } = relay(sendMs);
      const delivery = new MailDelivery({ store: wrap(store), mailer, clock: () => new Date(), logger: quiet, concurrency, ratePerSecond: null, leaseMs: LEASE_MS });
      delivery.start();
      return { database, store, delivery, started };
    };
    const sentCount = async (url: string) => (await outbox(url)).filter((r) => r.sent_at !== null).length;

    test('a relay slower than three leases: no other worker can take the mail, and each goes once', { timeout: 30_000 }, async () => {
      const { database, store, delivery, started } = await start(4, 3 * LEASE_MS);
      try {
        while (started() < 2) await sleep(5);
        // Another process looking all along, with the real clock, finds nothing to take.
        while ((await sentCount(database.url)) < 4) {
          assert.deepEqual(await store.claimMail({ now: new Date(), worker: 'other', limit: 10, bulkAtLeast: 0, leaseMs: LEASE_MS }), [], 'a lease was lost');
          await sleep(50);
        }
        assert.equal(started(), 4, 'each mail went once');
      } finally {
        await delivery.stop(1000);
        await store.close();
        await database.drop();
      }
    });

    test('while the database is away, mail waiting here is not started once half its lease is unconfirmed', { timeout: 30_000 }, async () => {
      let away = false;
      const absent = () => Promise.reject(new Error('connect ECONNREFUSED'));
      const flaky = (store: Store): Store => {
        const wrapped = Object.create(store) as Store;
        wrapped.transaction = (work) => (away ? absent() : store.transaction(work));
        wrapped.hasDueMail = (now) => (away ? absent() : store.hasDueMail(now));
        return wrapped;
      };
      // One slot: the first mail is with the relay for 1.5 leases, the second waits here meanwhile.
      const { database, store, delivery, started } = await start(3, 1.5 * LEASE_MS, { concurrency: 1, wrap: flaky });
      try {
        while (started() < 1) await sleep(5);
        away = true;
        await sleep(2.5 * LEASE_MS);
        assert.equal(started(), 1, 'the waiting mail was not handed to the relay on a lease nobody could confirm');
        away = false;
        const deadline = Date.now() + 15_000;
        while ((await sentCount(database.url)) < 3 && Date.now() < deadline) await sleep(50);
        assert.equal(await sentCount(database.url), 3, 'once the database is back, everything is sent and recorded');
        assert.equal(started(), 3, 'and each went once');
      } finally {
        await delivery.stop(1000);
        await store.close();
        await database.drop();
      }
    });
  });
}
