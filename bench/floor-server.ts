// The floor: what a durable signature costs on this machine with nothing of the app around it. A bare
// Fastify POST route that writes each request's signature row into Undersign's own schema (its
// indexes: one signature per address, unique token hash) by group commit on SQLite with
// synchronous=FULL, answering after the commit, as the prototype did. No validation, no
// address hash, no milestones, no cache: the real signing route cannot beat this, so its ratio to
// the bare route bounds what the real route can reach here.
import Fastify from 'fastify';
import SqliteDatabase from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { openEngine } from '../src/store/engine.ts';
import { openStore } from '../src/store/kysely-store.ts';
import { DEFAULT_CATEGORIES, seedDemo } from '../src/services/seed-demo.ts';

const path = process.env.DATABASE_URL!;
const store = await openStore(openEngine(path), { writerThread: false });
await store.ensureCategories(DEFAULT_CATEGORIES);
await seedDemo(store, new Date());
await store.close();

const db = new SqliteDatabase(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const petitionId = (db.prepare("select id from petitions where state = 'open' order by id limit 1").get() as { id: number }).id;
const insert = db.prepare(
  `insert into signatures (petition_id, email, name, postcode, country, consent, state, token_hash, created_at, confirmed_at, consent_version)
   values (?, ?, ?, null, null, 0, 'confirmed', ?, ?, ?, 1) on conflict (petition_id, email) do nothing`,
);
const bump = db.prepare('update petitions set signature_count = signature_count + ? where id = ?');
const commit = db.transaction((rows: Array<{ email: string; name: string }>, now: string) => {
  for (const r of rows) insert.run(petitionId, r.email, r.name, createHash('sha256').update(randomBytes(32)).digest('base64url'), now, now);
  bump.run(rows.length, petitionId);
});

let queue: Array<{ row: { email: string; name: string }; done: () => void }> = [];
let timer: NodeJS.Timeout | null = null;
function flush() {
  timer = null;
  const jobs = queue;
  queue = [];
  commit.immediate(
    jobs.map((j) => j.row),
    new Date().toISOString(),
  );
  for (const j of jobs) j.done();
}

const app = Fastify();
app.post('/api/v1/petitions/:slug/signatures', async (request, reply) => {
  const body = request.body as { email: string; name: string };
  await new Promise<void>((done) => {
    queue.push({ row: { email: String(body.email), name: String(body.name) }, done });
    timer ??= setTimeout(flush, 2);
  });
  return reply.code(201).send({ status: 'signed' });
});
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
