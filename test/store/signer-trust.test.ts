import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.ts';
import type { SignatureCriteria } from '../../src/store/fraud-queries.ts';
import { hashSecret } from '../../src/services/tokens.ts';
import { openTestStore, testEngines, type TestStore } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';
import { emptySettlement } from '../../src/store/outbox-queries.ts';

const now = new Date('2026-11-28T12:00:00.000Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const criteria = (c: Partial<SignatureCriteria>): SignatureCriteria => ({ petitionId: null, ipHashes: null, domain: null, from: null, to: null, ...c });

for (const { engine, skip, create } of await testEngines()) {
  describe(`signer trust in the store on ${engine}`, { skip: skip && 'PostgreSQL not reachable' }, () => {
    let opened: TestStore;
    let store: Store;

    before(async () => {
      opened = await openTestStore(create);
      store = opened.store;
    });
    after(() => opened?.close());

    const count = async (slug: string) => (await store.findPetitionBySlug(slug))!.signatureCount;

    test('a flagged signature is kept but does not count, even once confirmed; clearing flags recounts it in', async () => {
      const p = await openPetition(store, { slug: 'flags' });
      await store.commitSignatureBatch({
        now,
        signatures: [
          signature(p.id, 1, { ipHash: 'aaa' }),
          signature(p.id, 2, { ipHash: 'aaa', flag: 'address' }),
          signature(p.id, 3, { confirmed: false, flag: 'domain', tokenHash: hashSecret('flagged-pending') }),
        ],
        confirmations: [],
      });
      assert.equal(await count('flags'), 1);
      const result = await store.commitSignatureBatch({ now: at(1), signatures: [], confirmations: [hashSecret('flagged-pending')] });
      assert.equal(result.confirmations[0]!.status, 'confirmed', 'the signer is told the same as anyone');
      assert.equal(await count('flags'), 1, 'confirming a flagged signature does not count it');
      assert.equal(await store.countSignatures(p.id, 'confirmed'), 3);
      assert.equal(await store.clearFlags(p.id, 'all'), 3);
      assert.equal(await count('flags'), 3);
    });

    test('bulk invalidation by address hash, domain and time window: preview first, then an exact recount', async () => {
      const p = await openPetition(store, { slug: 'fraud' });
      const other = await openPetition(store, { slug: 'fraud-other' });
      await store.commitSignatureBatch({
        now,
        signatures: [
          signature(p.id, 1, { ipHash: 'bot', email: 'a@bots.example' }),
          signature(p.id, 2, { ipHash: 'bot', email: 'b@bots.example' }),
          signature(p.id, 3, { ipHash: 'human', email: 'c@real.example' }),
          signature(p.id, 4, { ipHash: 'human', email: 'd@bots.example', confirmed: false, tokenHash: hashSecret('fraud-4') }),
          signature(other.id, 5, { ipHash: 'bot', email: 'e@elsewhere.example' }),
        ],
        confirmations: [],
      });
      await store.commitSignatureBatch({ now: at(30), signatures: [signature(p.id, 6, { ipHash: 'late', email: 'f@late.example' })], confirmations: [] });
      assert.equal(await count('fraud'), 4);

      // By domain on one petition: the pending one is hit too but only confirmed ones counted.
      assert.deepEqual(await store.previewInvalidation(criteria({ petitionId: p.id, domain: 'bots.example' })), [{ petitionId: p.id, signatures: 3, counted: 2 }]);
      // By address across petitions.
      assert.deepEqual(await store.previewInvalidation(criteria({ ipHashes: ['bot'] })), [
        { petitionId: p.id, signatures: 2, counted: 2 },
        { petitionId: other.id, signatures: 1, counted: 1 },
      ]);
      // By time window.
      assert.deepEqual(await store.previewInvalidation(criteria({ petitionId: p.id, from: at(20), to: at(40) })), [{ petitionId: p.id, signatures: 1, counted: 1 }]);
      assert.deepEqual(await store.previewInvalidation(criteria({ ipHashes: [] })), [], 'an address with no hashes matches nothing');

      const done = await store.invalidateSignatures(criteria({ ipHashes: ['bot'] }));
      assert.equal(done.invalidated, 3);
      assert.deepEqual(done.counts, [{ petitionId: p.id, count: 2 }, { petitionId: other.id, count: 0 }]);
      assert.equal(await count('fraud'), 2);
      assert.equal(await count('fraud-other'), 0);
      // Invalidating again hits nothing and changes nothing.
      assert.deepEqual(await store.invalidateSignatures(criteria({ ipHashes: ['bot'] })), { invalidated: 0, counts: [] });
      // A later confirmation of an invalidated signature does not bring it back.
      await store.invalidateSignatures(criteria({ petitionId: p.id, domain: 'bots.example' }));
      const late = await store.commitSignatureBatch({ now: at(50), signatures: [], confirmations: [hashSecret('fraud-4')] });
      assert.equal(late.confirmations[0]!.status, 'closed');
      assert.equal(await count('fraud'), 2);
    });

    test('the recount is exact while signatures keep arriving', async () => {
      const p = await openPetition(store, { slug: 'busy' });
      const batches = Array.from({ length: 20 }, (_, b) =>
        store.commitSignatureBatch({ now, signatures: Array.from({ length: 10 }, (_, i) => signature(p.id, 1000 + b * 10 + i, { ipHash: i % 2 ? 'odd' : 'even' })), confirmations: [] }),
      );
      const invalidation = store.invalidateSignatures(criteria({ petitionId: p.id, ipHashes: ['odd'] }));
      await Promise.all([...batches, invalidation]);
      const real = await store.countSignatures(p.id, 'confirmed');
      await store.invalidateSignatures(criteria({ petitionId: p.id, ipHashes: ['odd'] })); // catch the batches that landed after
      assert.equal(await count('busy'), 100, `exactly the even half counts (confirmed before: ${real})`);
    });

    test('a signer removes their own signature: it is gone and the count drops', async () => {
      const p = await openPetition(store, { slug: 'remove' });
      await store.commitSignatureBatch({ now, signatures: [signature(p.id, 1, { tokenHash: hashSecret('mine'), postcode: 'CB2 1TN', ipHash: 'x' }), signature(p.id, 2)], confirmations: [] });
      const mine = await store.findSignatureByTokenHash(hashSecret('mine'));
      assert.equal(mine?.name, 'Signer 1');
      assert.equal(mine?.postcode, 'CB2 1TN');
      assert.equal(mine?.hasAddressHash, true);
      assert.deepEqual(await store.removeSignature(mine!.id), { petitionId: p.id, counted: true });
      assert.equal(await count('remove'), 1);
      assert.equal(await store.findSignatureByTokenHash(hashSecret('mine')), undefined);
      assert.equal(await store.removeSignature(mine!.id), undefined, 'removing twice does nothing');
      assert.equal(await count('remove'), 1);
    });

    test('anonymisation strips personal data of long-closed petitions only, keeping counts and districts', async () => {
      const old = await openPetition(store, { slug: 'old' });
      const recent = await openPetition(store, { slug: 'recent' });
      const open = await openPetition(store, { slug: 'still-open' });
      for (const p of [old, recent, open]) {
        await store.commitSignatureBatch({ now, signatures: [signature(p.id, 1, { postcode: 'CB2 1TN', ipHash: 'h', tokenHash: hashSecret(`anon-${p.id}`), consent: true }), signature(p.id, 2, { country: 'France' })], confirmations: [] });
      }
      // Won long ago, and won recently (winning records when it closed).
      assert.ok((await store.movePetition(old.id, 'won', new Date('2026-01-01T00:00:00Z'))).ok);
      assert.ok((await store.movePetition(recent.id, 'closed', new Date('2026-11-01T00:00:00Z'))).ok);
      const cutoff = new Date('2026-06-01T00:00:00Z');
      assert.equal(await store.anonymiseSignatures(cutoff, now, 1), 1, 'a chunk at a time');
      assert.equal(await store.anonymiseSignatures(cutoff, now, 500), 1);
      assert.equal(await store.anonymiseSignatures(cutoff, now, 500), 0, 'nothing left to do');
      assert.equal(await store.findSignatureByTokenHash(hashSecret(`anon-${old.id}`)), undefined, 'the old link shows nothing');
      assert.ok(await store.findSignatureByTokenHash(hashSecret(`anon-${recent.id}`)), 'a recently closed petition keeps its signers');
      assert.ok(await store.findSignatureByTokenHash(hashSecret(`anon-${open.id}`)));
      const rows = await store.signaturesForDelivery(old.id);
      assert.deepEqual(rows.map((r) => [r.name, r.postcode, r.country]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [['', 'CB2', null], ['', null, 'France']]);
      assert.equal((await store.findPetitionBySlug('old'))!.signatureCount, 2, 'the count survives');
      assert.deepEqual(await store.consentingSignerEmails(old.id), [], 'nobody is mailed from an anonymised list');
    });

    test('alerts are recorded, listed newest first, and resolved once', async () => {
      const p = await openPetition(store, { slug: 'alerts' });
      await store.recordSigningAlerts([{ petitionId: p.id, kind: 'address', key: 'h1', count: 21, at: now }]);
      await store.recordSigningAlerts([{ petitionId: p.id, kind: 'domain', key: 'bots.example', count: 201, at: at(1) }]);
      const alerts = await store.listOpenSigningAlerts(10);
      assert.deepEqual(alerts.map((a) => [a.kind, a.key, a.count, a.petitionSlug]), [['domain', 'bots.example', 201, 'alerts'], ['address', 'h1', 21, 'alerts']]);
      assert.equal(await store.resolveSigningAlert(alerts[0]!.id, at(2)), true);
      assert.equal(await store.resolveSigningAlert(alerts[0]!.id, at(2)), false);
      assert.equal((await store.listOpenSigningAlerts(10)).length, 1);
    });

    test('old delivered mail and expired address keys are deleted', async () => {
      await store.enqueueMail([{ kind: 'k', to: 'old@example.org', subject: 's', text: 't', html: 'h' }, { kind: 'k', to: 'new@example.org', subject: 's', text: 't', html: 'h' }], new Date('2026-01-01T00:00:00Z'));
      const [first, second] = await store.listOutbox(10).then((all) => all.filter((m) => m.to.endsWith('@example.org') && m.kind === 'k').sort((a, b) => a.id - b.id));
      await store.settleMail('w', new Date('2026-01-01T00:00:00Z'), { ...emptySettlement(), sent: [first!.id] });
      await store.settleMail('w', now, { ...emptySettlement(), sent: [second!.id] });
      assert.equal(await store.purgeOldMail(new Date('2026-10-01T00:00:00Z')), 1);
      assert.equal(await store.findOutboxMail(first!.id), undefined);
      assert.ok(await store.findOutboxMail(second!.id));
      await store.appSecret('address-key:2026-11-01', () => 'a');
      await store.appSecret('address-key:2026-11-28', () => 'b');
      assert.deepEqual((await store.appSecretNames('address-key:')).sort(), ['address-key:2026-11-01', 'address-key:2026-11-28']);
      await store.deleteAppSecrets(['address-key:2026-11-01']);
      assert.deepEqual(await store.appSecretNames('address-key:'), ['address-key:2026-11-28']);
    });
  });
}
