import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import { announcingQueuedMail } from '../../src/services/announced-mail.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';

const now = new Date('2026-11-28T12:00:00.000Z');
let serial = 0;
const mail = () => ({ kind: 'confirm-signature', to: `reader-${++serial}@example.org`, subject: 'Hello', text: 'Hello', html: '<p>Hello</p>' });

describe('the store announces queued mail after its commit', () => {
  let db: TestDatabase;
  let raw: Store;
  let store: Store;
  /** What each announcement saw in the outbox when it was made: committed mail only. */
  const heard: Array<{ what: 'mail' | 'update'; outbox: number }> = [];
  const outboxSize = async () => (await raw.listOutbox(10_000)).length;
  before(async () => {
    db = sqliteDatabase();
    raw = await openStore(openEngine(db.url));
    store = announcingQueuedMail(raw, {
      mailQueued: () => void outboxSize().then((outbox) => heard.push({ what: 'mail', outbox })),
      updatePosted: () => void heard.push({ what: 'update', outbox: -1 }),
    });
  });
  after(async () => {
    await raw?.close();
    await db?.drop();
  });
  const settle = () => new Promise((r) => setTimeout(r, 50));
  const heardNow = async () => {
    await settle();
    return heard.splice(0);
  };

  test('mail queued on its own is announced once it is written', async () => {
    const before = await outboxSize();
    await store.enqueueMail([mail(), mail()], now);
    assert.deepEqual(await heardNow(), [{ what: 'mail', outbox: before + 2 }]);
  });

  test('mail queued in a transaction is announced after the commit, once, not while the transaction is open', async () => {
    const before = await outboxSize();
    await store.transaction(async (tx) => {
      await tx.enqueueMail([mail()], now);
      await tx.transaction((inner) => inner.enqueueMail([mail()], now));
      await settle();
      assert.deepEqual(heard, [], 'nothing announced inside the transaction');
    });
    assert.deepEqual(await heardNow(), [{ what: 'mail', outbox: before + 2 }]);
  });

  test('a transaction that rolls back announces nothing', async () => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.enqueueMail([mail()], now);
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.deepEqual(await heardNow(), []);
  });

  test('a transaction that queues no mail announces nothing', async () => {
    await store.transaction((tx) => tx.listCategories());
    assert.deepEqual(await heardNow(), []);
  });

  test('a signing batch announces the confirmation mail it queued, and a batch with none is quiet', async () => {
    const petition = await openPetition(raw);
    await store.commitSignatureBatch({ now, signatures: [signature(petition.id, 1)], confirmations: [] });
    assert.deepEqual(await heardNow(), []);
    const before = await outboxSize();
    await store.commitSignatureBatch({ now, signatures: [signature(petition.id, 2, { confirmed: false, confirmationMail: mail() })], confirmations: [] });
    assert.deepEqual(await heardNow(), [{ what: 'mail', outbox: before + 1 }]);
  });

  test('an update posted is announced to the job that mails it', async () => {
    const petition = await openPetition(raw);
    await store.addUpdate({ petitionId: petition.id, type: 'update', text: 'News', url: null, createdAt: now, mailSigners: true });
    assert.deepEqual(await heardNow(), [{ what: 'update', outbox: -1 }]);
  });

  test('a method replaced through the wrapper and put back announces again (fault injection in the HTTP tests)', async () => {
    const original = store.enqueueMail;
    store.enqueueMail = async () => ({ queued: 0, dropped: 0 });
    await store.enqueueMail([mail()], now);
    assert.deepEqual(await heardNow(), []);
    store.enqueueMail = original;
    const before = await outboxSize();
    await store.enqueueMail([mail()], now);
    assert.deepEqual(await heardNow(), [{ what: 'mail', outbox: before + 1 }]);
  });
});
