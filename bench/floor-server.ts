// The floor: what a durable signature costs on this machine with nothing of the app around it. A bare
// Fastify POST route that writes each request's signature row into Undersign's own schema (its
// indexes: one signature per address, unique token hash, delivery order) by group commit, answering
// after the commit, as the prototype did: SQLite with synchronous=FULL on the main thread, or
// PostgreSQL with its defaults, one statement per batch. No validation, no address hash, no
// milestones, no cache, no hooks: the real signing route does all this and more, so its ratio to the
// bare route is not expected to pass the floor's.
import Fastify from 'fastify';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import { isPostgresUrl, openEngine } from '../src/store/engine.ts';
import { openStore } from '../src/store/kysely-store.ts';
import { DEFAULT_CATEGORIES, seedDemo } from '../src/services/seed-demo.ts';

type Row = { email: string; name: string; tokenHash: string };

const url = process.env.DATABASE_URL!;
const store = await openStore(openEngine(url), { writerThread: false });
await store.ensureCategories(DEFAULT_CATEGORIES);
await seedDemo(store, new Date());
await store.close();

const commit = isPostgresUrl(url) ? await postgresWriter(url) : sqliteWriter(url);

function sqliteWriter(path: string): (rows: Row[], now: string) => Promise<void> {
  const db = new SqliteDatabase(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const petitionId = (db.prepare("select id from petitions where state = 'open' order by id limit 1").get() as { id: number }).id;
  const insert = db.prepare(
    `insert into signatures (petition_id, email, name, consent, state, token_hash, created_at, confirmed_at, consent_version)
     values (?, ?, ?, 0, 'confirmed', ?, ?, ?, 1) on conflict (petition_id, email) do nothing`,
  );
  const bump = db.prepare('update petitions set signature_count = signature_count + ? where id = ?');
  const write = db.transaction((rows: Row[], now: string) => {
    for (const r of rows) insert.run(petitionId, r.email, r.name, r.tokenHash, now, now);
    bump.run(rows.length, petitionId);
  });
  return async (rows, now) => write.immediate(rows, now);
}

async function postgresWriter(connectionString: string): Promise<(rows: Row[], now: string) => Promise<void>> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const petitionId = (await pool.query("select id from petitions where state = 'open' order by id limit 1")).rows[0].id as number;
  return async (rows, now) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into signatures (petition_id, email, name, consent, state, token_hash, created_at, confirmed_at, consent_version)
         select $1, e, n, 0, 'confirmed', t, $2, $2, 1 from unnest($3::text[], $4::text[], $5::text[]) as u(e, n, t)
         on conflict (petition_id, email) do nothing`,
        [petitionId, now, rows.map((r) => r.email), rows.map((r) => r.name), rows.map((r) => r.tokenHash)],
      );
      await client.query('update petitions set signature_count = signature_count + $1 where id = $2', [rows.length, petitionId]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  };
}

// Group commit: what arrives while a batch waits 2 ms or commits goes into the next one.
let queue: Array<{ row: Row; done: (error?: unknown) => void }> = [];
let timer: NodeJS.Timeout | null = null;
let writing = false;
function schedule() {
  if (!timer && !writing && queue.length > 0) timer = setTimeout(() => void flush(), 2);
}
async function flush() {
  timer = null;
  writing = true;
  const jobs = queue;
  queue = [];
  try {
    await commit(
      jobs.map((j) => j.row),
      new Date().toISOString(),
    );
    for (const j of jobs) j.done();
  } catch (error) {
    for (const j of jobs) j.done(error);
  } finally {
    writing = false;
    schedule();
  }
}

const app = Fastify();
app.post('/api/v1/petitions/:slug/signatures', async (request, reply) => {
  const body = request.body as { email: string; name: string };
  // Keyed as the app keys a signature's link (decision 0026): its time, then the hash.
  const tokenHash = `${Date.now().toString(36)}.${createHash('sha256').update(randomBytes(32)).digest('hex')}`;
  await new Promise<void>((resolve, reject) => {
    queue.push({ row: { email: String(body.email), name: String(body.name), tokenHash }, done: (error) => (error ? reject(error) : resolve()) });
    schedule();
  });
  return reply.code(201).send({ status: 'signed' });
});
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
