import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { closedPetition, openPetition, pendingPetition, petitionIn, signature } from '../support/builders.ts';
import { PETITION_STATES } from '../../src/domain/petition.ts';
import { hashSecret } from '../../src/services/tokens.ts';
import { emptySettlement, type MailSettlement } from '../../src/store/outbox-queries.ts';

const now = new Date('2026-11-28T12:00:00.000Z');
const mail = (to: string) => ({ kind: 'confirm-signature', to, subject: 'Confirm', text: 'link', html: '<p>link</p>' });

// The same contract, run on every engine: both must behave identically.
for (const { engine, skip, create } of await testEngines()) {
  describe(`store contract on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let db: TestDatabase;
    let store: Store;

    before(async () => {
      db = await create();
      store = await openStore(openEngine(db.url));
      await store.ensureCategories([{ slug: 'education', name: 'Education' }]);
    });
    after(async () => {
      await store?.close();
      await db?.drop();
    });

    test('a petition round-trips with its category, location and times', async () => {
      const cat = await store.findCategory('Education');
      const p = await openPetition(store, { categoryId: cat!.id, location: { name: 'Cambridge, UK', lat: 52.2, lon: 0.11667 }, closesAt: new Date('2027-01-01T00:00:00Z') });
      const found = await store.findPetitionBySlug(p.slug);
      assert.deepEqual(found, p);
      assert.equal(found?.category?.slug, 'education');
      assert.deepEqual(found?.location, { name: 'Cambridge, UK', lat: 52.2, lon: 0.11667 });
      assert.equal(found?.closesAt?.toISOString(), '2027-01-01T00:00:00.000Z');
      assert.equal(found?.signatureCount, 0);
      assert.equal(await store.slugTaken(p.slug), true);
      assert.equal(await store.findPetitionBySlug('no-such-petition'), undefined);
    });

    test('a batch counts each new signer once and records milestones with the commit time', async () => {
      const p = await openPetition(store);
      const sigs = Array.from({ length: 12 }, (_, i) => signature(p.id, i));
      // a repeat inside the batch, and a repeat of an earlier signer
      sigs.push(signature(p.id, 3, { tokenHash: hashSecret('repeat-a') }));
      const result = await store.commitSignatureBatch({ now, signatures: sigs, confirmations: [] });
      assert.deepEqual(result.signatures, Array(13).fill('accepted'));
      assert.deepEqual(result.counts, [{ petitionId: p.id, before: 0, after: 12, milestones: [10] }]);
      const again = await store.commitSignatureBatch({ now, signatures: [signature(p.id, 0, { tokenHash: hashSecret('repeat-b') })], confirmations: [] });
      assert.deepEqual(again.signatures, ['accepted']);
      assert.deepEqual(again.counts, []);
      const after = await store.findPetitionBySlug(p.slug);
      assert.equal(after?.signatureCount, 12);
      assert.equal(await store.countSignatures(p.id, 'confirmed'), 12);
      const updates = await store.listUpdates(p.id);
      assert.deepEqual(
        updates.map((u) => [u.type, u.text, u.count, u.createdAt.toISOString()]),
        [['milestone', '10 signatures reached', 10, now.toISOString()]],
      );
    });

    test('pending signatures count only when confirmed, once, however often the link is followed', async () => {
      const p = await openPetition(store);
      const s = signature(p.id, 1, { confirmed: false, tokenHash: hashSecret('pending-1'), confirmationMail: mail('signer-1@example.org') });
      await store.commitSignatureBatch({ now, signatures: [s], confirmations: [] });
      assert.equal((await store.findPetitionBySlug(p.slug))?.signatureCount, 0);
      assert.equal(await store.countSignatures(p.id, 'pending'), 1);
      const first = await store.commitSignatureBatch({ now, signatures: [], confirmations: [hashSecret('pending-1'), hashSecret('pending-1'), hashSecret('unknown')] });
      assert.deepEqual(first.confirmations, [
        { status: 'confirmed', petitionSlug: p.slug },
        { status: 'already-confirmed', petitionSlug: p.slug },
        { status: 'invalid' },
      ]);
      const second = await store.commitSignatureBatch({ now, signatures: [], confirmations: [hashSecret('pending-1')] });
      assert.deepEqual(second.confirmations, [{ status: 'already-confirmed', petitionSlug: p.slug }]);
      assert.equal((await store.findPetitionBySlug(p.slug))?.signatureCount, 1);
    });

    test('the confirmation mail is written with the signature, and a pending repeat gets a new link at most every 10 minutes', async () => {
      const p = await openPetition(store);
      const before = (await store.listOutbox(1000)).length;
      const first = signature(p.id, 1, { confirmed: false, tokenHash: hashSecret('m1'), confirmationMail: mail('m@example.org') });
      await store.commitSignatureBatch({ now, signatures: [first], confirmations: [] });
      const soon = signature(p.id, 1, { confirmed: false, tokenHash: hashSecret('m2'), confirmationMail: mail('m@example.org') });
      await store.commitSignatureBatch({ now: new Date(now.getTime() + 60_000), signatures: [soon], confirmations: [] });
      assert.equal((await store.listOutbox(1000)).length - before, 1);
      const later = signature(p.id, 1, { confirmed: false, tokenHash: hashSecret('m3'), confirmationMail: mail('m@example.org') });
      await store.commitSignatureBatch({ now: new Date(now.getTime() + 11 * 60_000), signatures: [later], confirmations: [] });
      assert.equal((await store.listOutbox(1000)).length - before, 2);
      // the newest link is the one that works
      const r = await store.commitSignatureBatch({ now, signatures: [], confirmations: [hashSecret('m1'), hashSecret('m3')] });
      assert.deepEqual(r.confirmations.map((c) => c.status), ['invalid', 'confirmed']);
    });

    test('a closed petition takes no signatures and no confirmations', async () => {
      const open = await openPetition(store, { closesAt: new Date(now.getTime() + 1000) });
      await store.commitSignatureBatch({ now, signatures: [signature(open.id, 1, { confirmed: false, tokenHash: hashSecret('late') })], confirmations: [] });
      const closed = await closedPetition(store);
      const later = new Date(now.getTime() + 2000);
      const r = await store.commitSignatureBatch({ now: later, signatures: [signature(closed.id, 1), signature(open.id, 2)], confirmations: [hashSecret('late')] });
      assert.deepEqual(r.signatures, ['closed', 'closed']);
      assert.deepEqual(r.confirmations, [{ status: 'closed', petitionSlug: open.slug }]);
      assert.equal((await store.findPetitionBySlug(open.slug))?.signatureCount, 0);
      assert.equal(await store.countSignatures(closed.id, 'confirmed'), 0);
    });

    test('concurrent batches on one petition count exactly and record each milestone once', async () => {
      const p = await openPetition(store);
      await Promise.all(
        Array.from({ length: 30 }, (_, b) =>
          store.commitSignatureBatch({ now, signatures: Array.from({ length: 10 }, (_, i) => signature(p.id, b * 10 + i)), confirmations: [] }),
        ),
      );
      const after = await store.findPetitionBySlug(p.slug);
      assert.equal(after?.signatureCount, 300);
      const milestones = (await store.listUpdates(p.id)).filter((u) => u.type === 'milestone').map((u) => u.count).sort((a, b) => a! - b!);
      assert.deepEqual(milestones, [10, 25, 50, 100, 250]);
      assert.equal(after?.goal, 500, 'an unfixed goal rises past the count');
    });

    test('updates list newest first; consenting confirmed signers are the update recipients', async () => {
      const p = await openPetition(store);
      await store.commitSignatureBatch({
        now,
        signatures: [signature(p.id, 1, { consent: true }), signature(p.id, 2), signature(p.id, 3, { consent: true, confirmed: false, tokenHash: hashSecret('c3') })],
        confirmations: [],
      });
      await store.addUpdate({ petitionId: p.id, type: 'update', text: 'first', url: null, createdAt: new Date('2026-11-02T00:00:00Z') });
      await store.addUpdate({ petitionId: p.id, type: 'update', text: 'second', url: 'https://example.org/', createdAt: new Date('2026-11-03T00:00:00Z') });
      assert.deepEqual((await store.listUpdates(p.id)).map((u) => u.text), ['second', 'first']);
      assert.deepEqual(await store.consentingSignerEmails(p.id), ['signer-1@example.org']);
    });

    test('builders reach every state through movePetition', async () => {
      for (const state of PETITION_STATES) assert.equal((await petitionIn[state](store)).state, state);
      const won = await petitionIn.won(store);
      assert.equal(won.closedAt?.toISOString(), won.createdAt.toISOString(), 'winning set the date it finished');
    });

    test('movePetition: the lifecycle decides, the move sets its dates, an illegal move is refused and changes nothing', async () => {
      const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
      const p = await pendingPetition(store, { listed: false });
      assert.equal(p.openedAt, null);
      assert.deepEqual(await store.movePetition(p.id, 'open', day(1)), { ok: true, value: 'pending' });
      assert.equal((await store.findPetitionById(p.id))?.openedAt?.toISOString(), day(1).toISOString(), 'first opened now');
      assert.deepEqual(await store.movePetition(p.id, 'hidden', day(2), { listed: false, reviewed: true }), { ok: true, value: 'open' });
      let found = (await store.findPetitionById(p.id))!;
      assert.deepEqual([found.state, found.hiddenFrom, found.listed], ['hidden', 'open', false]);
      assert.deepEqual(await store.movePetition(p.id, 'open', day(3), { listed: true }), { ok: true, value: 'hidden' });
      found = (await store.findPetitionById(p.id))!;
      assert.deepEqual([found.state, found.hiddenFrom, found.listed, found.openedAt?.toISOString(), found.closedAt], ['open', null, true, day(1).toISOString(), null], 'a restore keeps its dates');
      assert.deepEqual(await store.movePetition(p.id, 'closed', day(4)), { ok: true, value: 'open' });
      assert.equal((await store.findPetitionById(p.id))?.closedAt?.toISOString(), day(4).toISOString());

      const before = await store.findPetitionById(p.id);
      assert.deepEqual(await store.movePetition(p.id, 'open', day(5)), { ok: false, error: 'ILLEGAL_TRANSITION' }, 'closed never reopens');
      assert.deepEqual(await store.movePetition(p.id, 'won', day(5), { from: new Set(['open']) }), { ok: false, error: 'ILLEGAL_TRANSITION' }, "the caller's own limit");
      assert.deepEqual(await store.movePetition(999_999, 'closed', day(5)), { ok: false, error: 'ILLEGAL_TRANSITION' });
      assert.deepEqual(await store.findPetitionById(p.id), before);
    });

    test("movePetition runs in the caller's transaction: a failure after it undoes the move", async () => {
      const p = await openPetition(store);
      await assert.rejects(
        store.transaction(async (tx) => {
          assert.ok((await tx.movePetition(p.id, 'won', now)).ok);
          throw new Error('boom');
        }),
      );
      const found = await store.findPetitionById(p.id);
      assert.deepEqual([found?.state, found?.closedAt], ['open', null]);
    });

    test('due petitions close through the same move, once', async () => {
      const due = await openPetition(store, { closesAt: new Date(now.getTime() - 1) });
      const notYet = await openPetition(store, { closesAt: new Date(now.getTime() + 60_000) });
      const closed = await store.closeDuePetitions(now);
      assert.ok(closed.includes(due.id) && !closed.includes(notYet.id));
      assert.deepEqual((await store.closeDuePetitions(now)).filter((id) => id === due.id), [], 'closing twice does nothing');
      const found = await store.findPetitionById(due.id);
      assert.deepEqual([found?.state, found?.closedAt?.toISOString()], ['closed', now.toISOString()]);
      assert.equal((await store.findPetitionById(notYet.id))?.state, 'open');
    });

    test('a failed transaction leaves nothing behind', async () => {
      const p = await openPetition(store);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.addUpdate({ petitionId: p.id, type: 'update', text: 'half', url: null, createdAt: now });
          throw new Error('boom');
        }),
      );
      assert.deepEqual(await store.listUpdates(p.id), []);
    });

    const claim = (at: Date, limit: number, worker = 'w1', bulkAtLeast = 0) => store.claimMail({ now: at, worker, limit, bulkAtLeast, leaseMs: 60_000 });
    const settle = (worker: string, part: Partial<MailSettlement>, at = now) => store.settleMail(worker, at, { ...emptySettlement(), ...part });
    const clearOutbox = async () => {
      for (const earlier of await claim(new Date(now.getTime() + 86_400_000), 10_000, 'sweeper')) await settle('sweeper', { sent: [earlier.id] });
    };

    test('outbox mail is claimed by one worker at a time and leaves once sent', async () => {
      await store.enqueueMail([mail('a@example.org'), mail('b@example.org'), mail('c@example.org')], now);
      const claims = await Promise.all([claim(now, 1000, 'w1'), claim(now, 1000, 'w2'), claim(now, 1000, 'w3')]);
      const ids = claims.flat().map((m) => m.id);
      assert.equal(new Set(ids).size, ids.length, 'no mail claimed twice');
      assert.ok(ids.length >= 3);
      await Promise.all(claims.map((c, i) => settle(`w${i + 1}`, { sent: c.map((m) => m.id) })));
      assert.deepEqual(await claim(new Date(now.getTime() + 120_000), 1000), []);
      assert.ok((await Promise.all(ids.map((id) => store.findOutboxMail(id)))).every((m) => m?.sentAt?.getTime() === now.getTime()));
    });

    test('a mail to retry waits for its time; a leased mail returns when its lease ends', async () => {
      await clearOutbox();
      await store.enqueueMail([mail('retry@example.org')], now);
      const [m] = await claim(now, 10);
      assert.equal(m?.to, 'retry@example.org');
      assert.deepEqual(await claim(now, 10, 'w2'), [], 'leased');
      const back = await claim(new Date(now.getTime() + 61_000), 10, 'w2');
      assert.equal(back[0]?.id, m!.id, 'lease expired');
      await settle('w1', { retry: [{ id: m!.id, at: new Date(now.getTime() + 300_000), error: 'not mine any more' }] });
      assert.equal((await store.findOutboxMail(m!.id))?.attempts, 0, 'only the holder of the lease settles a retry');
      await settle('w2', { retry: [{ id: m!.id, at: new Date(now.getTime() + 300_000), error: 'timeout' }] });
      assert.deepEqual(await claim(new Date(now.getTime() + 200_000), 10), []);
      const retried = await claim(new Date(now.getTime() + 300_000), 10);
      assert.equal(retried[0]?.attempts, 1);
      assert.equal(retried[0]?.lastError, 'timeout');
      await settle('w1', { dropped: [{ id: m!.id, error: '550 no such user', reason: 'refused' }] });
      assert.deepEqual(await claim(new Date(now.getTime() + 10_000_000), 10), []);
      const dropped = await store.findOutboxMail(m!.id);
      assert.equal(dropped?.droppedReason, 'refused');
      assert.equal(dropped?.sentAt, null);
    });

    test('only the holder renews a lease; one that ran out untaken is still the holder’s, one taken is not', async () => {
      await clearOutbox();
      await store.enqueueMail([mail('renew@example.org')], now);
      const [m] = await claim(now, 10);
      const at = (s: number) => new Date(now.getTime() + s * 1000);
      const renew = (worker: string, s: number) => store.renewMailLeases({ now: at(s), worker, ids: [m!.id], leaseMs: 60_000 });
      assert.deepEqual(await renew('w2', 30), [], 'another worker cannot renew');
      assert.deepEqual(await claim(at(59), 10, 'w2'), [], 'nor does its try take the mail');
      assert.equal((await claim(at(61), 10, 'w2'))[0]?.id, m!.id, 'nor extend the lease: it ends at 60 s');
      await settle('w2', { released: [{ id: m!.id, error: null }] });
      const [n] = await claim(at(62), 10);
      assert.equal(n?.id, m!.id);
      const renewN = (worker: string, s: number) => store.renewMailLeases({ now: at(s), worker, ids: [n!.id], leaseMs: 60_000 });
      assert.deepEqual(await renewN('w1', 100), [n!.id], 'the holder renews');
      assert.deepEqual(await claim(at(130), 10, 'w2'), [], 'a renewed lease holds past its first end (122 s)');
      assert.deepEqual(await renewN('w1', 165), [n!.id], 'a lease that ran out (160 s) and nobody took is still the holder’s');
      const taken = await claim(at(226), 10, 'w2');
      assert.equal(taken[0]?.id, n!.id, 'a lease that ran out (225 s) is claimable by another worker');
      assert.deepEqual(await renewN('w1', 227), [], 'the old holder cannot take it back by renewing');
      const row = await store.findOutboxMail(n!.id);
      assert.equal(row?.sentAt, null);
      await settle('w2', { sent: [n!.id] }, at(228));
      assert.deepEqual(await renewN('w2', 229), [], 'sent mail is not renewed');
      assert.deepEqual(await claim(at(10_000), 10, 'w3'), [], 'and never leased again');
    });

    test('priority mail is leased before bulk mail, and bulk keeps the share it is given', async () => {
      await clearOutbox();
      const update = (to: string) => ({ kind: 'petition-update', to, subject: 'News', text: 't', html: 'h' });
      await store.enqueueMail([update('u1@example.org'), update('u2@example.org'), update('u3@example.org')], now);
      await store.enqueueMail([mail('p1@example.org'), mail('p2@example.org'), mail('p3@example.org')], new Date(now.getTime() + 1000));
      const later = new Date(now.getTime() + 2000);
      const first = await claim(later, 2);
      assert.deepEqual(first.map((m) => [m.lane, m.to]), [['priority', 'p1@example.org'], ['priority', 'p2@example.org']], 'newer priority mail goes ahead of older bulk mail');
      const shared = await claim(later, 2, 'w1', 1);
      assert.deepEqual(shared.map((m) => m.to), ['p3@example.org', 'u1@example.org']);
      const rest = await claim(later, 5);
      assert.deepEqual(rest.map((m) => m.to), ['u2@example.org', 'u3@example.org'], 'bulk takes what priority leaves');
      await store.enqueueMail([mail('p4@example.org'), mail('p5@example.org')], later);
      const full = await claim(new Date(later.getTime() + 1000), 2, 'w1', 1);
      assert.deepEqual(full.map((m) => m.to), ['p4@example.org', 'p5@example.org'], 'and priority takes the share bulk has no mail for');
    });

    test('sent is recorded once; mail handed back keeps its place and its tries', async () => {
      await clearOutbox();
      await store.enqueueMail([mail('first@example.org'), mail('second@example.org')], now);
      const [a, b] = await claim(now, 2);
      await settle('w1', { released: [{ id: a!.id, error: 'connection refused' }, { id: b!.id, error: 'connection refused' }] });
      const again = await claim(now, 2, 'w2');
      assert.deepEqual(again.map((m) => [m.to, m.attempts, m.lastError]), [['first@example.org', 0, 'connection refused'], ['second@example.org', 0, 'connection refused']]);
      // w1's lease had ended and w2 took the mail, but w1 did send it: that is recorded, and only once.
      await settle('w1', { sent: [a!.id] }, new Date(now.getTime() + 1000));
      await settle('w2', { sent: [a!.id, b!.id] }, new Date(now.getTime() + 2000));
      assert.equal((await store.findOutboxMail(a!.id))?.sentAt?.getTime(), now.getTime() + 1000);
      assert.equal((await store.findOutboxMail(b!.id))?.sentAt?.getTime(), now.getTime() + 2000);
    });

    test('the mail backlog per lane, with its oldest mail, what was sent and what was dropped', async () => {
      await clearOutbox();
      await store.enqueueMail([mail('waiting@example.org')], new Date(now.getTime() - 5000));
      await store.enqueueMail([{ kind: 'petition-victory', to: 'fan@example.org', subject: 'Won', text: 't', html: 'h' }], now);
      const backlog = await store.mailBacklog(now);
      assert.deepEqual(backlog.lanes, [
        { lane: 'priority', waiting: 1, due: 1, oldestCreatedAt: new Date(now.getTime() - 5000) },
        { lane: 'bulk', waiting: 1, due: 1, oldestCreatedAt: now },
      ]);
      const [p1, b1] = await claim(now, 2);
      await settle('w1', { sent: [p1!.id], dropped: [{ id: b1!.id, error: 'too many tries', reason: 'attempts' }] });
      const after = await store.mailBacklog(new Date(now.getTime() + 1000));
      assert.deepEqual(after.lanes.map((l) => l.waiting), [0, 0]);
      assert.ok(after.sentLastHour >= 1);
      assert.ok(after.droppedLastDay.some((d) => d.reason === 'attempts' && d.mails >= 1));
    });

    test('users, tokens and categories', async () => {
      const u = await store.upsertUser({ email: 'admin@example.org', role: 'admin', passwordHash: 'x', now });
      await store.createApiToken({ userId: u.id, name: 't', tokenHash: 'h1', now });
      assert.equal((await store.findUserByTokenHash('h1'))?.email, 'admin@example.org');
      assert.equal(await store.findUserByTokenHash('h2'), undefined);
      assert.equal((await store.findCategory('EDUCATION'))?.slug, 'education');
      assert.equal(await store.findCategory('nope'), undefined);
    });

    test('signatures for delivery: confirmed only, oldest confirmation first, email only with consent, the same in pages', async () => {
      const p = await openPetition(store);
      const other = await openPetition(store);
      const minute = (n: number) => new Date(now.getTime() + n * 60_000);
      await store.commitSignatureBatch({
        now,
        signatures: [
          signature(p.id, 1, { consent: true }),
          signature(p.id, 2, { postcode: 'CB2 1TN' }),
          signature(p.id, 3, { consent: true, confirmed: false, tokenHash: hashSecret('delivery-3') }),
          signature(p.id, 4, { country: 'France', consent: true }),
          signature(p.id, 5, { confirmed: false, tokenHash: hashSecret('delivery-5') }),
          signature(other.id, 6, { consent: true }),
        ],
        confirmations: [],
      });
      await store.commitSignatureBatch({ now: minute(1), signatures: [signature(p.id, 7)], confirmations: [] });
      await store.commitSignatureBatch({ now: minute(2), signatures: [], confirmations: [hashSecret('delivery-3')] });

      const rows = await store.signaturesForDelivery(p.id);
      assert.deepEqual(
        rows.map((r) => [r.name, r.postcode, r.country, r.confirmedAt.toISOString()]),
        [
          ['Signer 1', null, null, now.toISOString()],
          ['Signer 2', 'CB2 1TN', null, now.toISOString()],
          ['Signer 4', null, 'France', now.toISOString()],
          ['Signer 7', null, null, minute(1).toISOString()],
          ['Signer 3', null, null, minute(2).toISOString()],
        ],
      );
      assert.ok(rows.every((r) => !('email' in r)), 'delivery never reads an address, even of signers who agreed to updates');
      assert.ok(rows.every((r) => r.confirmedAt instanceof Date));

      const paged: typeof rows = [];
      let page = await store.signaturesForDelivery(p.id, { after: null, limit: 2 });
      while (page.length > 0) {
        paged.push(...page);
        page = await store.signaturesForDelivery(p.id, { after: page[page.length - 1]!, limit: 2 });
      }
      assert.deepEqual(paged, rows, 'pages of 2 by keyset give the same rows in the same order');
      assert.deepEqual(await store.signaturesForDelivery(p.id, { after: rows[4]!, limit: 2 }), []);
      assert.deepEqual(await store.signaturesForDelivery(9_999_999), []);
    });
  });
}
