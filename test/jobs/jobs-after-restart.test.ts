import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine, type Engine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import { hashSecret } from '../../src/services/tokens.ts';
import { fixedClock } from '../support/clock.ts';
import { testEngines, type TestDatabase } from '../support/engines.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openPetition, signature } from '../support/builders.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Generous: the first look comes 2 to 5 s after start (jobs/schedule.ts); the interval is an hour. */
const SOON_MS = 30_000;

const until = async <T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> => {
  const deadline = Date.now() + SOON_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${SOON_MS / 1000} s of start`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

for (const { engine, skip, create } of await testEngines()) {
  describe(`a server started or restarted runs the jobs that are due, and only those (${engine})`, { skip }, () => {
    let db: TestDatabase;
    let raw: Engine;
    let server: TestServer | undefined;
    const clock = fixedClock('2026-11-28T12:00:00.000Z');
    before(async () => {
      db = await create();
      raw = openEngine(db.url);
    });
    after(async () => {
      await server?.close();
      await raw?.db.destroy();
      await db?.drop();
    });

    /** A closed petition whose one signer's details are due to go 183 days after `closedAt`; written while no server runs. */
    const closedWithSigner = async (slug: string, closedAt: Date) => {
      const store = await openStore(openEngine(db.url));
      const p = await openPetition(store, { slug });
      await store.commitSignatureBatch({ now: new Date(closedAt.getTime() - DAY), signatures: [signature(p.id, 1, { tokenHash: hashSecret(slug) })], confirmations: [] });
      await store.movePetition(p.id, 'closed', closedAt);
      await store.close();
    };
    const signerName = async (slug: string) =>
      (await raw.db.selectFrom('signatures as s').innerJoin('petitions as p', 'p.id', 's.petition_id').select('s.name').where('p.slug', '=', slug).executeTakeFirstOrThrow()).name;
    const lastRun = async (job: string) => (await raw.db.selectFrom('job_runs').select('last_run_at').where('name', '=', job).executeTakeFirst())?.last_run_at;

    test('anonymisation due at start runs seconds after start, not an hour later; a restart five minutes on does not run it again; one after its hour does', async () => {
      const start = clock().getTime();
      await closedWithSigner('closed-long-ago', new Date(start - 200 * DAY));
      await closedWithSigner('due-in-a-minute', new Date(start - 183 * DAY + MINUTE));

      const startedAt = Date.now();
      server = await startTestServer({ DATABASE_URL: db.url }, { clock });
      await until('the signer of a petition closed 200 days ago is anonymised', async () => (await signerName('closed-long-ago')) === '');
      const tookMs = Date.now() - startedAt;
      assert.ok(tookMs < SOON_MS, `${tookMs} ms after start`);
      assert.equal(await signerName('due-in-a-minute'), 'Signer 1', 'not due at that run');
      assert.equal(await lastRun('forget-personal-data'), '2026-11-28T12:00:00.000Z');
      await server.close();

      // Restarted five minutes later: the one-minute job runs at the first look, anonymisation does not.
      clock.advance(5 * MINUTE);
      server = await startTestServer({ DATABASE_URL: db.url }, { clock });
      await until('the one-minute job ran after the restart', async () => (await lastRun('close-due-petitions')) === '2026-11-28T12:05:00.000Z');
      // Every recorded job is looked at together; give the others' looks a generous moment more.
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(await lastRun('forget-personal-data'), '2026-11-28T12:00:00.000Z', 'anonymisation ran five minutes ago: not again');
      assert.equal(await signerName('due-in-a-minute'), 'Signer 1', 'due since minute 1, left for the hourly run');
      await server.close();

      // Restarted an hour and a minute after the first run: anonymisation is due and runs at the first look.
      clock.advance(56 * MINUTE);
      server = await startTestServer({ DATABASE_URL: db.url }, { clock });
      await until('the second signer is anonymised after the hour', async () => (await signerName('due-in-a-minute')) === '');
      assert.equal(await lastRun('forget-personal-data'), '2026-11-28T13:01:00.000Z');
    });
  });
}
