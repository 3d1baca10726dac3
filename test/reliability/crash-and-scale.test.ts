import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createAdmin, createToken } from '../../src/services/accounts.ts';
import { testEngines, postgresAvailable, postgresDatabase, sqliteDatabase } from '../support/engines.ts';
import { signingLoad, spawnServer } from '../support/child-server.ts';

/*
 * Real server processes, killed and run side by side, with small numbers: what the issue on viral
 * load asks to survive. Throughput is for `npm run bench`; these only check that nothing is lost.
 */

const SLUG = 'open-the-library-24-hours-during-exams';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the database holds for one petition: its count column, its counted rows, and which of `emails` it lacks. */
async function tally(databaseUrl: string, slug: string, emails: Iterable<string>) {
  const { db } = openEngine(databaseUrl);
  try {
    const petition = await db.selectFrom('petitions').select(['id', 'signature_count']).where('slug', '=', slug).executeTakeFirstOrThrow();
    const rows = await db.selectFrom('signatures').select('email').where('petition_id', '=', petition.id).where('state', '=', 'confirmed').where('flag', 'is', null).execute();
    const stored = new Set(rows.map((r) => r.email));
    assert.equal(stored.size, rows.length, 'no email stored twice');
    return { count: Number(petition.signature_count), rows: rows.length, missing: [...emails].filter((e) => !stored.has(e)) };
  } finally {
    await db.destroy();
  }
}

for (const { engine, skip, create } of await testEngines()) {
  describe(`a signing server killed mid-load loses nothing (${engine})`, { skip }, () => {
    test('every acknowledged signature survives SIGKILL, and signing again after the restart counts nobody twice', { timeout: 120_000 }, async () => {
      const db = await create();
      try {
        const first = await spawnServer({ DATABASE_URL: db.url, DEMO: '1' });
        const before = (await (await fetch(`${first.url}/api/v1/petitions/${SLUG}/count`)).json()).signatureCount as number;
        const load = signingLoad([first.url], SLUG, `kill-${engine}`, 16);
        // Kill it mid-stream: once signatures flow (a cold start can be slow on a busy machine), a moment later.
        while (load.acknowledged.size < 50) await sleep(20);
        await sleep(300);
        first.child.kill('SIGKILL');
        await first.exited;
        await load.stop();

        const afterKill = await tally(db.url, SLUG, load.acknowledged);
        assert.deepEqual(afterKill.missing, [], 'no acknowledged signature is missing');
        assert.equal(afterKill.count, afterKill.rows, 'the count column equals the counted rows');
        assert.ok(afterKill.count >= before + load.acknowledged.size);

        // Signers whose answer never came try again, on a restarted server: each is stored and counted once.
        const second = await spawnServer({ DATABASE_URL: db.url });
        try {
          const retries = [...load.attempted];
          await Promise.all(
            Array.from({ length: 16 }, async () => {
              for (let email = retries.pop(); email !== undefined; email = retries.pop()) {
                const res = await fetch(`${second.url}/api/v1/petitions/${SLUG}/signatures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Load Signer', email }) });
                assert.equal(res.status, 201, await res.text());
              }
            }),
          );
          const count = (await (await fetch(`${second.url}/api/v1/petitions/${SLUG}/count`)).json()).signatureCount as number;
          assert.equal(count, before + load.attempted.size, 'everyone who tried counts exactly once');
        } finally {
          second.child.kill('SIGTERM');
          assert.equal(await second.exited, 0);
        }
        const final = await tally(db.url, SLUG, []);
        assert.equal(final.count, final.rows);
      } finally {
        await db.drop();
      }
    });
  });
}

describe('SIGTERM while signing: in-flight requests are answered and committed, then the process exits', () => {
  test('every request answered 2xx is stored; the exit code is 0', { timeout: 60_000 }, async () => {
    const db = sqliteDatabase();
    try {
      const server = await spawnServer({ DATABASE_URL: db.url, DEMO: '1' });
      const load = signingLoad([server.url], SLUG, 'term', 16);
      while (load.acknowledged.size < 50) await sleep(20);
      await sleep(100);
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output());
      await load.stop();
      const t = await tally(db.url, SLUG, load.acknowledged);
      assert.deepEqual(t.missing, []);
      assert.equal(t.count, t.rows);
    } finally {
      await db.drop();
    }
  });
});

describe('two app processes on one PostgreSQL', { skip: !(await postgresAvailable()) && 'PostgreSQL not reachable' }, () => {
  test('signing one petition through both at once: the count is exact and each milestone is posted once', { timeout: 120_000 }, async () => {
    const db = await postgresDatabase();
    let store: Store | undefined;
    const servers: Array<Awaited<ReturnType<typeof spawnServer>>> = [];
    try {
      store = await openStore(openEngine(db.url));
      await createAdmin(store, 'ops@example.org', 'operations passphrase here', new Date());
      const token = await createToken(store, 'ops@example.org', 'reliability', new Date());
      await store.close();
      store = undefined;
      servers.push(await spawnServer({ DATABASE_URL: db.url }), await spawnServer({ DATABASE_URL: db.url }));
      const created = await fetch(`${servers[0]!.url}/api/v1/petitions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ title: 'Two servers, one count', target: 'The operators', body: 'Count every signature once.', why: 'Scale-out must not double count.' }),
      });
      assert.equal(created.status, 201);
      const { slug } = (await created.json()) as { slug: string };

      const load = signingLoad(servers.map((s) => s.url), slug, 'pair', 32);
      while (load.acknowledged.size < 300) await sleep(50);
      await load.stop();

      const count = (await (await fetch(`${servers[1]!.url}/api/v1/petitions/${slug}/count`)).json()).signatureCount as number;
      assert.equal(count, load.acknowledged.size, 'every acknowledged signature counted once, through either process');
      const t = await tally(db.url, slug, load.acknowledged);
      assert.deepEqual(t.missing, []);
      assert.equal(t.rows, count);

      const petition = (await (await fetch(`${servers[0]!.url}/api/v1/petitions/${slug}`)).json()) as { updates: Array<{ type: string; count: number | null }> };
      const milestones = petition.updates.filter((u) => u.type === 'milestone').map((u) => u.count).sort((a, b) => a! - b!);
      assert.deepEqual(milestones, [10, 25, 50, 100, 250], 'each milestone once, whichever process crossed it');
    } finally {
      for (const s of servers) s.child.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.exited));
      await store?.close();
      await db.drop();
    }
  });
});
