import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine, type Engine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import type { MailDelivery } from '../../src/jobs/deliver-mail.ts';
import { Schedule } from '../../src/jobs/schedule.ts';
import { hashSecret } from '../../src/services/tokens.ts';
import { fixedClock, type TestClock } from '../support/clock.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const RECORDED = ['close-due-petitions', 'forget-personal-data', 'purge-unverified-starts', 'reconcile-counts'];

/** A schedule over a store, as a server process builds it, whose info lines say which jobs ran. */
function scheduleOn(store: Store, clock: TestClock, options: ConstructorParameters<typeof Schedule>[1] = {}) {
  const ran: string[] = [];
  const errors: unknown[] = [];
  const schedule = new Schedule(
    {
      store, clock, delivery: { wake() {} } as unknown as MailDelivery, baseUrl: 'http://127.0.0.1', anonymiseAfterDays: 183,
      logger: { error: (e) => errors.push(e), warn: (e) => errors.push(e), info: (o) => ran.push((o as { job: string }).job) },
    },
    { firstLookMs: 50, firstLookJitterMs: 50, ...options },
  );
  return { schedule, ran, errors };
}

for (const { engine, skip, create } of await testEngines()) {
  describe(`recurring jobs across restarts and processes (${engine})`, { skip }, () => {
    let db: TestDatabase;
    let store: Store;
    let raw: Engine;
    before(async () => {
      db = await create();
      store = await openStore(openEngine(db.url));
      raw = openEngine(db.url);
    });
    after(async () => {
      await raw?.db.destroy();
      await store?.close();
      await db?.drop();
    });

    const lastRuns = async () =>
      Object.fromEntries((await raw.db.selectFrom('job_runs').select(['name', 'last_run_at']).execute()).map((r) => [r.name, r.last_run_at]));
    /** A closed petition with one signer, whose details are due to go `183 days + dueIn` after `closedAt`. */
    const closedWithSigner = async (slug: string, closedAt: Date) => {
      const p = await openPetition(store, { slug });
      await store.commitSignatureBatch({ now: new Date(closedAt.getTime() - DAY), signatures: [signature(p.id, 1, { tokenHash: hashSecret(slug) })], confirmations: [] });
      await store.movePetition(p.id, 'closed', closedAt);
      return () => store.findSignatureByTokenHash(hashSecret(slug));
    };

    test('a job due at start runs at its first look, not an interval later; a restart soon after does not run it again; one after its interval does', async () => {
      const clock = fixedClock('2026-11-28T12:00:00.000Z');
      const start = clock().getTime();
      const longClosed = await closedWithSigner('closed-long-ago', new Date(start - 200 * DAY));
      // Its signers fall due one minute after the first start: only a run after that removes them.
      const soonDue = await closedWithSigner('closed-183-days-less-a-minute', new Date(start - 183 * DAY + MINUTE));

      const first = scheduleOn(store, clock);
      const startedAt = Date.now();
      await first.schedule.start();
      const tookMs = Date.now() - startedAt;
      assert.deepEqual(first.errors, []);
      assert.deepEqual([...first.ran].sort(), RECORDED, 'every recorded job was due (never run) and ran once');
      assert.ok(tookMs < 30_000, `ran ${tookMs} ms after start: at its first look, not an hour later`);
      assert.equal(await longClosed(), undefined, 'the signer of the petition closed 200 days ago is anonymised');
      assert.ok(await soonDue(), 'the other is not due yet');
      assert.deepEqual(await lastRuns(), Object.fromEntries(RECORDED.map((name) => [name, '2026-11-28T12:00:00.000Z'])));
      await first.schedule.stop();

      // A restart five minutes later: only the one-minute job is due again.
      clock.advance(5 * MINUTE);
      const second = scheduleOn(store, clock);
      await second.schedule.start();
      await second.schedule.stop();
      assert.deepEqual(second.errors, []);
      assert.deepEqual(second.ran, ['close-due-petitions']);
      assert.ok(await soonDue(), 'anonymisation ran 5 minutes ago, so it does not run again although this signer is due now');
      const runs = await lastRuns();
      assert.equal(runs['forget-personal-data'], '2026-11-28T12:00:00.000Z');
      assert.equal(runs['close-due-petitions'], '2026-11-28T12:05:00.000Z');

      // Sixty-one minutes after the first run every job is due again, and runs at the first look.
      clock.advance(56 * MINUTE);
      const third = scheduleOn(store, clock);
      await third.schedule.start();
      await third.schedule.stop();
      assert.deepEqual(third.errors, []);
      assert.deepEqual([...third.ran].sort(), RECORDED);
      assert.equal(await soonDue(), undefined, 'now the second signer is anonymised too');
    });

    test('processes started together (--workers N) run each due job once between them', async () => {
      const clock = fixedClock('2026-12-05T12:00:00.000Z');
      const other = await openStore(openEngine(db.url)); // another process's connection to the same database
      try {
        const processes = [scheduleOn(store, clock, { firstLookJitterMs: 0 }), scheduleOn(other, clock, { firstLookJitterMs: 0 }), scheduleOn(other, clock, { firstLookJitterMs: 0 })];
        await Promise.all(processes.map((p) => p.schedule.start()));
        await Promise.all(processes.map((p) => p.schedule.stop()));
        assert.deepEqual(processes.flatMap((p) => p.errors), []);
        assert.deepEqual(processes.flatMap((p) => p.ran).sort(), RECORDED, 'each job ran once, in one of the three');
        assert.deepEqual(await lastRuns(), Object.fromEntries(RECORDED.map((name) => [name, '2026-12-05T12:00:00.000Z'])));
      } finally {
        await other.close();
      }
    });

    test('a look that finds the job ran elsewhere waits until it falls due there, then runs it', async () => {
      const clock = fixedClock('2026-12-12T12:00:00.000Z');
      // Another process ran the one-minute job 59.5 seconds ago (and everything else just now).
      for (const name of RECORDED) await store.claimJobRun(name, clock(), 1);
      await raw.db.updateTable('job_runs').set({ last_run_at: new Date(clock().getTime() - 59_500).toISOString() }).where('name', '=', 'close-due-petitions').execute();
      const late = scheduleOn(store, clock, { firstLookJitterMs: 0, random: () => 0 });
      await late.schedule.start();
      assert.deepEqual(late.ran, [], 'nothing due at the first look');
      // Its next look comes when the job falls due (half a second on), not a whole interval later.
      clock.advance(500);
      const deadline = Date.now() + 20_000;
      while (late.ran.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await late.schedule.stop();
      assert.deepEqual(late.errors, []);
      assert.deepEqual(late.ran, ['close-due-petitions']);
    });
  });
}
