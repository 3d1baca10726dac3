import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import { forgetPersonalData } from '../../src/jobs/forget-personal-data.ts';
import { hashSecret } from '../../src/services/tokens.ts';
import { fixedClock } from '../support/clock.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';

describe('the job that forgets personal data, with a fixed clock', () => {
  let db: TestDatabase;
  let store: Store;
  before(async () => {
    db = sqliteDatabase();
    store = await openStore(openEngine(db.url));
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });

  test('six months after closing, signers become anonymous; before that nothing changes; expired address keys go', async () => {
    const signedAt = new Date('2026-01-10T10:00:00Z');
    const p = await openPetition(store, { slug: 'closed-in-january' });
    await store.commitSignatureBatch({ now: signedAt, signatures: [signature(p.id, 1, { tokenHash: hashSecret('t1'), postcode: 'EH1 1YZ', ipHash: 'h' })], confirmations: [] });
    await store.movePetition(p.id, 'closed', new Date('2026-01-31T00:00:00Z'));
    await store.appSecret('address-key:2026-01-10', () => 'old key');

    const clock = fixedClock('2026-07-30T00:00:00Z');
    const early = await forgetPersonalData({ store, clock, anonymiseAfterDays: 183 });
    assert.equal(early.anonymised, 0, '180 days after closing: not yet');
    assert.equal(early.keys, 1, 'the January address key is long past its 7 days');
    assert.ok(await store.findSignatureByTokenHash(hashSecret('t1')));

    clock.set('2026-08-03T00:00:00Z');
    const late = await forgetPersonalData({ store, clock, anonymiseAfterDays: 183 });
    assert.equal(late.anonymised, 1);
    assert.equal(await store.findSignatureByTokenHash(hashSecret('t1')), undefined);
    const [row] = await store.signaturesForDelivery(p.id);
    assert.deepEqual([row!.name, row!.postcode], ['', 'EH1']);
    assert.equal((await store.findPetitionBySlug('closed-in-january'))!.signatureCount, 1);
    assert.equal((await forgetPersonalData({ store, clock, anonymiseAfterDays: 183 })).anonymised, 0, 'idempotent');
  });

  test('daily mail counts go once they are two days old', async () => {
    const mail = { kind: 'sign-in', to: 'someone@example.org', subject: 's', text: 't', html: 'h' };
    for (const day of ['2026-09-01', '2026-09-02', '2026-09-03']) await store.enqueueMail([mail], new Date(`${day}T23:00:00Z`));
    const clock = fixedClock('2026-09-03T08:00:00Z');
    assert.equal((await forgetPersonalData({ store, clock, anonymiseAfterDays: 183 })).mailCounts, 1, 'the 1st goes; yesterday and today stay');
    clock.set('2026-09-04T00:00:00Z');
    assert.equal((await forgetPersonalData({ store, clock, anonymiseAfterDays: 183 })).mailCounts, 1);
  });

  test('organiser sessions that have run out are deleted; live ones stay', async () => {
    const user = await store.upsertUser({ email: 'organiser@example.org', role: 'organiser', passwordHash: null, now: new Date('2026-10-01T00:00:00Z') });
    for (const [token, expiresAt] of [['ran-out', '2026-10-14T23:59:59Z'], ['live', '2026-10-15T00:00:01Z']] as const) {
      await store.createOrganiserSession({ userId: user.id, tokenHash: hashSecret(token), now: new Date('2026-10-01T00:00:00Z'), expiresAt: new Date(expiresAt) });
    }
    const clock = fixedClock('2026-10-15T00:00:00Z');
    assert.equal((await forgetPersonalData({ store, clock, anonymiseAfterDays: 183 })).sessions, 1);
    assert.equal((await store.findUserByOrganiserSession(hashSecret('live'), clock()))?.id, user.id);
    clock.set('2026-10-16T00:00:00Z');
    assert.equal((await forgetPersonalData({ store, clock, anonymiseAfterDays: 183 })).sessions, 1);
    assert.equal((await forgetPersonalData({ store, clock, anonymiseAfterDays: 183 })).sessions, 0);
  });
});
