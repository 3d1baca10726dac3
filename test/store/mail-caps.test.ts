import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import type { Database } from '../../src/store/schema.ts';
import type { OutgoingMail } from '../../src/store/records.ts';
import { DAILY_MAILS_PER_ADDRESS } from '../../src/domain/outbox.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';
import { hashSecret } from '../../src/services/tokens.ts';

const now = new Date('2026-11-28T12:00:00.000Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const mail = (to: string, kind = 'confirm-signature'): OutgoingMail => ({ kind, to, subject: 'Confirm', text: 'link', html: '<p>link</p>' });

// The caps against mail bombing, on every engine: what is queued, what is counted, what is stored.
for (const { engine, skip, create } of await testEngines()) {
  describe(`mail caps on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let db: TestDatabase;
    let store: Store;
    /** A second connection, to read what the store interface does not show. */
    let raw: Kysely<Database>;
    const queuedTo = async (address: string, kind?: string) =>
      (await store.listOutbox(100_000)).filter((m) => m.to.trim().toLowerCase() === address && (!kind || m.kind === kind)).length;
    const row = (petitionId: number, email: string) =>
      raw.selectFrom('signatures').select(['state', 'mailed_at', 'confirmation_mails', 'token_hash']).where('petition_id', '=', petitionId).where('email', '=', email).executeTakeFirstOrThrow();

    before(async () => {
      db = await create();
      store = await openStore(openEngine(db.url));
      raw = openEngine(db.url).db;
    });
    after(async () => {
      await raw?.destroy();
      await store?.close();
      await db?.drop();
    });

    test(`the ${DAILY_MAILS_PER_ADDRESS + 1}st capped mail to one address in a day is not queued, however the address is written`, async () => {
      const forms = ['flood@example.org', 'Flood@Example.ORG', '  flood@example.org ', 'FLOOD@example.org\t'];
      const results = [];
      for (let i = 0; i < DAILY_MAILS_PER_ADDRESS + 1; i++) results.push(await store.transaction((tx) => tx.enqueueMail([mail(forms[i % forms.length]!, i % 2 ? 'sign-in' : 'confirm-signature')], minutes(i))));
      assert.deepEqual(results.slice(0, DAILY_MAILS_PER_ADDRESS), Array(DAILY_MAILS_PER_ADDRESS).fill({ queued: 1, dropped: 0 }));
      assert.deepEqual(results.at(-1), { queued: 0, dropped: 1 });
      assert.equal(await queuedTo('flood@example.org'), DAILY_MAILS_PER_ADDRESS);

      // Kinds nobody can cause by typing an address are not capped: updates the signer asked for, decisions.
      assert.deepEqual(await store.enqueueMail([mail('flood@example.org', 'petition-update'), mail('flood@example.org', 'petition-approve')], minutes(30)), { queued: 2, dropped: 0 });
      // Other addresses are untouched.
      assert.deepEqual(await store.enqueueMail([mail('calm@example.org')], minutes(31)), { queued: 1, dropped: 0 });
      // A new UTC day starts a new count.
      assert.deepEqual(await store.enqueueMail([mail('flood@example.org', 'verify-petition')], new Date('2026-11-29T00:00:00.000Z')), { queued: 1, dropped: 0 });
    });

    test('within one call the first mails up to the cap go, and each mail counts once', async () => {
      const many = Array.from({ length: DAILY_MAILS_PER_ADDRESS + 5 }, (_, i) => mail(i % 2 ? 'batch@example.org' : 'Batch@example.org'));
      const result = await store.transaction((tx) => tx.enqueueMail([mail('other@example.org'), ...many, mail('other@example.org', 'sign-in')], now));
      assert.deepEqual(result, { queued: DAILY_MAILS_PER_ADDRESS + 2, dropped: 5 });
      assert.equal(await queuedTo('batch@example.org'), DAILY_MAILS_PER_ADDRESS);
      assert.equal(await queuedTo('other@example.org'), 2);
      assert.deepEqual(await store.enqueueMail([mail('batch@example.org')], now), { queued: 0, dropped: 1 });
    });

    test('the daily count holds a keyed hash per address and day, never the address', async () => {
      const rows = await raw.selectFrom('mail_quota').selectAll().execute();
      assert.ok(rows.length >= 3);
      for (const r of rows) {
        assert.doesNotMatch(r.recipient_key, /@|flood|batch|example/i);
        assert.match(r.day, /^\d{4}-\d{2}-\d{2}$/);
      }
      const flood = rows.filter((r) => r.day === '2026-11-28').map((r) => r.mails).sort((a, b) => b - a);
      assert.equal(flood[0], DAILY_MAILS_PER_ADDRESS + 6, 'batch@: 25 in one call and one after, all counted');
    });

    test('a signature causes at most two confirmation mails, however often it is repeated', async () => {
      const p = await openPetition(store);
      const email = 'repeat@example.org';
      for (let i = 0; i < 6; i++) {
        const s = signature(p.id, 1, { email, confirmed: false, tokenHash: hashSecret(`repeat-${i}`), confirmationMail: mail(email) });
        await store.commitSignatureBatch({ now: minutes(i * 11), signatures: [s], confirmations: [] });
      }
      assert.equal(await queuedTo(email), 2, 'the first and one resend');
      const stored = await row(p.id, email);
      assert.equal(stored.confirmation_mails, 2);
      assert.equal(stored.token_hash, hashSecret('repeat-1'), 'the link of the last mail sent still works');
      // Another petition is another signature, with its own two.
      const q = await openPetition(store);
      await store.commitSignatureBatch({ now: minutes(70), signatures: [signature(q.id, 1, { email, confirmed: false, tokenHash: hashSecret('repeat-q'), confirmationMail: mail(email) })], confirmations: [] });
      assert.equal(await queuedTo(email), 3);
    });

    test('a signature over a signing limit has nothing queued and says so', async () => {
      const p = await openPetition(store);
      const s = signature(p.id, 1, { email: 'flagged@example.org', confirmed: false, tokenHash: hashSecret('flagged'), flag: 'address', confirmationMail: null });
      await store.commitSignatureBatch({ now, signatures: [s], confirmations: [] });
      assert.deepEqual({ ...(await row(p.id, 'flagged@example.org')), token_hash: '' }, { state: 'pending', mailed_at: null, confirmation_mails: 0, token_hash: '' });
      assert.equal(await queuedTo('flagged@example.org'), 0);
    });

    test('a repeat of a confirmed signature is reported once, within the same budget of two, with the stored name', async () => {
      const p = await openPetition(store);
      const email = 'confirmed@example.org';
      const again = (n: number, o = {}) => signature(p.id, 1, { email, name: `Typed ${n}`, confirmed: false, tokenHash: hashSecret(`confirmed-${n}`), confirmationMail: mail(email), ...o });
      await store.commitSignatureBatch({ now, signatures: [again(0, { name: 'Grace Hopper' })], confirmations: [] });
      await store.commitSignatureBatch({ now, signatures: [], confirmations: [hashSecret('confirmed-0')] });
      const before = await queuedTo(email);

      const other = signature(p.id, 2, { email: 'new@example.org', confirmed: false, tokenHash: hashSecret('confirmed-new'), confirmationMail: mail('new@example.org') });
      const first = await store.commitSignatureBatch({ now: minutes(1), signatures: [other, again(1), again(2)], confirmations: [] });
      assert.deepEqual(first.signatures, ['accepted', 'accepted', 'accepted']);
      assert.deepEqual(first.alreadySigned, [{ index: 1, name: 'Grace Hopper' }], 'the first of the repeats in the batch, with the name it signed with');
      assert.equal(await queuedTo(email), before, 'the store queues no mail for it: the caller renders and queues it');
      assert.equal((await row(p.id, email)).confirmation_mails, 2);
      assert.equal((await row(p.id, email)).token_hash, hashSecret('confirmed-0'), 'the confirmed link is untouched');

      const second = await store.commitSignatureBatch({ now: minutes(30), signatures: [again(3)], confirmations: [] });
      assert.deepEqual(second.alreadySigned, [], 'its budget of two is spent');
      // A flagged repeat (no mail asked for) is never reported.
      const q = await openPetition(store);
      await store.commitSignatureBatch({ now, signatures: [signature(q.id, 1, { email, tokenHash: hashSecret('q-0') })], confirmations: [] });
      const flagged = await store.commitSignatureBatch({ now, signatures: [signature(q.id, 1, { email, tokenHash: hashSecret('q-1'), confirmed: false, flag: 'address' })], confirmations: [] });
      assert.deepEqual(flagged.alreadySigned, []);
    });

    test('an address at its daily cap is neither resent a link nor reported, so the link it has keeps working', async () => {
      const email = 'capped@example.org';
      await store.enqueueMail(Array.from({ length: DAILY_MAILS_PER_ADDRESS }, () => mail(email, 'sign-in')), now);
      const p = await openPetition(store);
      const first = signature(p.id, 1, { email, confirmed: false, tokenHash: hashSecret('capped-0'), confirmationMail: mail(email) });
      await store.commitSignatureBatch({ now, signatures: [first], confirmations: [] });
      assert.equal(await queuedTo(email, 'confirm-signature'), 0, 'dropped by the daily cap');
      const later = signature(p.id, 1, { email, confirmed: false, tokenHash: hashSecret('capped-1'), confirmationMail: mail(email) });
      await store.commitSignatureBatch({ now: minutes(11), signatures: [later], confirmations: [] });
      assert.equal((await row(p.id, email)).token_hash, hashSecret('capped-0'));
      assert.equal((await row(p.id, email)).confirmation_mails, 1);
      // The next day the address has room again, and the signature its resend.
      const nextDay = signature(p.id, 1, { email, confirmed: false, tokenHash: hashSecret('capped-2'), confirmationMail: mail(email) });
      await store.commitSignatureBatch({ now: new Date('2026-11-29T09:00:00Z'), signatures: [nextDay], confirmations: [] });
      assert.equal(await queuedTo(email, 'confirm-signature'), 1);
      assert.equal((await row(p.id, email)).token_hash, hashSecret('capped-2'));
    });

    test('one batch signing many petitions with one address queues no more than the daily cap', async () => {
      const email = 'everywhere@example.org';
      const petitions = await Promise.all(Array.from({ length: DAILY_MAILS_PER_ADDRESS + 4 }, () => openPetition(store)));
      const result = await store.commitSignatureBatch({
        now,
        signatures: petitions.map((p, i) => signature(p.id, 1, { email, confirmed: false, tokenHash: hashSecret(`everywhere-${i}`), confirmationMail: mail(email) })),
        confirmations: [],
      });
      assert.deepEqual(new Set(result.signatures), new Set(['accepted']), 'every signature is kept');
      assert.equal(await queuedTo(email), DAILY_MAILS_PER_ADDRESS);
    });

    test('counts older than two days are deleted; the last two stay', async () => {
      await store.enqueueMail([mail('old@example.org')], new Date('2026-11-20T10:00:00Z'));
      await store.enqueueMail([mail('old@example.org')], new Date('2026-11-27T10:00:00Z'));
      const days = async () => (await raw.selectFrom('mail_quota').select('day').distinct().orderBy('day').execute()).map((r) => r.day);
      assert.deepEqual(await days(), ['2026-11-20', '2026-11-27', '2026-11-28', '2026-11-29']);
      assert.equal(await store.purgeMailQuota(new Date('2026-11-27T23:00:00Z')), 1, 'the days before the 27th');
      assert.deepEqual(await days(), ['2026-11-27', '2026-11-28', '2026-11-29']);
    });
  });
}

describe('the SQLite writer thread', () => {
  test('reports repeats of confirmed signatures across its message passing, and counts their mail under the same key', async () => {
    const [sqlite] = await testEngines();
    const db = await sqlite!.create();
    const direct = await openStore(openEngine(db.url));
    const threaded = await openStore(openEngine(db.url), { writerThread: true });
    try {
      const p = await openPetition(direct);
      const email = 'threaded@example.org';
      // The main connection makes the key and counts 19 mails; the thread must count under the same key.
      await direct.enqueueMail(Array.from({ length: DAILY_MAILS_PER_ADDRESS - 1 }, () => mail(email, 'sign-in')), now);
      await threaded.commitSignatureBatch({ now, signatures: [signature(p.id, 1, { email, name: 'Kept Name', confirmed: false, tokenHash: hashSecret('t-0'), confirmationMail: mail(email) })], confirmations: [] });
      await threaded.commitSignatureBatch({ now, signatures: [], confirmations: [hashSecret('t-0')] });
      const again = await threaded.commitSignatureBatch({ now: minutes(1), signatures: [signature(p.id, 1, { email, confirmed: false, tokenHash: hashSecret('t-1'), confirmationMail: mail(email) })], confirmations: [] });
      assert.deepEqual(again.alreadySigned, [], 'the thread counted the confirmation as the 20th mail: the address is at its cap');
      const q = await openPetition(direct);
      const other = 'threaded-other@example.org';
      await threaded.commitSignatureBatch({ now, signatures: [signature(q.id, 1, { email: other, name: 'Other Name' })], confirmations: [] });
      const report = await threaded.commitSignatureBatch({ now, signatures: [signature(q.id, 2), signature(q.id, 1, { email: other, confirmed: false, tokenHash: hashSecret('t-2'), confirmationMail: mail(other) })], confirmations: [] });
      assert.deepEqual(report.alreadySigned, [{ index: 1, name: 'Other Name' }]);
    } finally {
      await threaded.close();
      await direct.close();
      await db.drop();
    }
  });
});
