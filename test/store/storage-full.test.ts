import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import { storageFault } from '../../src/store/unavailable.ts';
import { GroupCommitBatcher } from '../../src/signing/batcher.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { openPetition, signature } from '../support/builders.ts';
import { fixedClock } from '../support/clock.ts';

const coded = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

// Issue 20, the full-disk row, below the HTTP layer; test/reliability/full-disk.test.ts fills a real disk.
describe('storage faults', () => {
  test('a full disk and a file system that refuses writes are told apart from every other error, on both engines', () => {
    assert.equal(storageFault(coded('SQLITE_FULL')), 'full');
    assert.equal(storageFault(coded('53100')), 'full'); // PostgreSQL disk_full
    for (const code of ['SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_SHMSIZE', 'SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', '25006']) {
      assert.equal(storageFault(coded(code)), 'unwritable', code);
    }
    // Wrapped (a migration that could not write): the cause decides.
    assert.equal(storageFault(new Error('migration failed', { cause: coded('SQLITE_FULL') })), 'full');
    for (const other of [coded('SQLITE_CONSTRAINT_UNIQUE'), coded('SQLITE_IOERR_READ'), coded('SQLITE_BUSY'), coded('23505'), coded('ECONNREFUSED'), new Error('cannot rollback - no transaction is active'), 'SQLITE_FULL', null]) {
      assert.equal(storageFault(other), null, String((other as { code?: string })?.code ?? other));
    }
  });

  describe('on SQLite', () => {
    let db: TestDatabase;
    before(() => {
      db = sqliteDatabase();
    });
    after(() => db.drop());

    test('a transaction that meets a full database fails with SQLITE_FULL, keeps nothing, and the same connection commits once there is room', async () => {
      // max_page_count makes SQLite answer as a full disk does (SQLITE_FULL, the transaction rolled
      // back by SQLite itself) without root or a small file system.
      const engine = openEngine(db.url);
      try {
        await sql`create table notes (id integer primary key, text text not null)`.execute(engine.db);
        const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(engine.db);
        await sql.raw(`pragma max_page_count = ${rows[0]!.page_count + 2}`).execute(engine.db);
        const write = () =>
          engine.db.transaction().execute(async (trx) => {
            for (let i = 0; i < 40; i++) await trx.insertInto('notes' as never).values({ text: 'x'.repeat(1000) } as never).execute();
          });
        // Before, the ROLLBACK after SQLite's own rollback failed and its error replaced this one.
        await assert.rejects(write(), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'SQLITE_FULL', `${error.code}: ${error.message}`);
          assert.equal(storageFault(error), 'full');
          return true;
        });
        const count = async () => Number((await sql<{ n: number }>`select count(*) as n from notes`.execute(engine.db)).rows[0]!.n);
        assert.equal(await count(), 0, 'nothing of the failed transaction is kept');
        await sql`pragma max_page_count = 1073741823`.execute(engine.db);
        await write();
        assert.equal(await count(), 40);
      } finally {
        await engine.db.destroy();
      }
    });

    test('an error from the signing writer thread keeps its SQLite code on the main thread', async () => {
      const store = await openStore(openEngine(db.url), { writerThread: true });
      try {
        const p = await openPetition(store, { slug: 'coded' });
        await assert.rejects(store.commitSignatureBatch({ now: new Date(), signatures: [signature(p.id, 1, { name: null as unknown as string })], confirmations: [] }), {
          code: 'SQLITE_CONSTRAINT_NOTNULL',
          name: 'SqliteError',
        });
      } finally {
        await store.close();
      }
    });

    test('the batcher refuses a batch that meets a full disk whole, in one transaction, not row by row', async () => {
      const store: Store = await openStore(openEngine(db.url));
      try {
        const p = await openPetition(store, { slug: 'full' });
        const attempts: number[] = [];
        const full = Object.create(store) as Store;
        full.commitSignatureBatch = async (batch) => {
          attempts.push(batch.signatures.length);
          throw coded('SQLITE_FULL', 'database or disk is full');
        };
        const batcher = new GroupCommitBatcher({ store: full, clock: fixedClock(), windowMs: 5 });
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => batcher.sign(signature(p.id, i))));
        assert.ok(outcomes.every((o) => o.status === 'rejected' && storageFault(o.reason) === 'full'));
        assert.deepEqual(attempts, [10]);
      } finally {
        await store.close();
      }
    });
  });
});
