import { afterEach, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import type { ParsedMail } from 'mailparser';
import { openEngine } from '../../src/store/engine.ts';
import { openStore } from '../../src/store/kysely-store.ts';
import { postgresAvailable, postgresDatabase, testEngines, type TestDatabase } from '../support/engines.ts';
import { signingLoad, spawnServer, type ChildServer } from '../support/child-server.ts';
import { startSmtpSink } from '../support/smtp.ts';

/*
 * SIGTERM against the real `undersign serve` (issue 20, shutdown rows): whatever is open (live
 * streams, a client that never finishes its headers, a mail backlog, signers, --workers) the
 * process exits within SHUTDOWN_TIMEOUT (10 s by default) plus a margin for a busy machine, and
 * nothing acknowledged is lost.
 */

const SLUG = 'open-the-library-24-hours-during-exams';
/** SHUTDOWN_TIMEOUT's default; tests that wait out the grace period for connections set a shorter one. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
const SHORT_TIMEOUT_MS = 4_000;
/** A margin over SHUTDOWN_TIMEOUT for a busy machine: start-up of tsx, slow disks, two cores. */
const MARGIN_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tail = (text: string) => text.split('\n').slice(-25).join('\n');

/** Sends SIGTERM and waits for the exit, at most SHUTDOWN_TIMEOUT and a margin: its code and how long it took. */
async function terminate(t: TestContext, server: ChildServer, options: { timeoutMs?: number; workers?: number[] } = {}): Promise<{ code: number | null; ms: number }> {
  const BOUND_MS = (options.timeoutMs ?? SHUTDOWN_TIMEOUT_MS) + MARGIN_MS;
  const started = Date.now();
  server.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([server.exited, new Promise<'running'>((r) => (timer = setTimeout(() => r('running'), BOUND_MS)))]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  if (code === 'running') {
    for (const pid of [server.child.pid!, ...(options.workers ?? [])]) killQuietly(pid);
    await server.exited;
    assert.fail(`still running ${BOUND_MS} ms after SIGTERM; its last lines:\n${tail(server.output())}`);
  }
  t.diagnostic(`exited with ${code} ${ms} ms after SIGTERM`);
  return { code, ms };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Whether `pid` is (still) an undersign process, not a number reused since. */
function isServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('undersign');
  } catch {
    return false;
  }
}

/** The Node processes whose parent is `pid` (Linux /proc): the workers of `serve --workers`, not tsx's esbuild. */
function nodeChildrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (name) state ppid …": the name may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid && isServer(Number(entry))) children.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

interface LiveStream {
  /** Everything the stream carried. */
  text(): string;
  /** Resolves with when the response ended (or its connection closed). */
  closed: Promise<number>;
}

/** A browser's connections: kept open after a response, for the next request. */
const browser = () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  cleanup.push(() => agent.destroy());
  return agent;
};

/** Opens a live-count stream on a connection of its own; resolves once its first count event arrived. */
function openLiveStream(base: string, slug: string, agent: http.Agent): Promise<LiveStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/petitions/${slug}/live`, { agent }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`the live stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let text = '';
      let markClosed: (at: number) => void;
      const closed = new Promise<number>((r) => (markClosed = r));
      res.on('data', (chunk: string) => {
        text += chunk;
        if (/event: count\n/.test(text)) resolve({ text: () => text, closed });
      });
      res.on('end', () => markClosed(Date.now()));
      res.on('close', () => markClosed(Date.now()));
    });
    req.on('error', reject);
  });
}

/** A raw connection: `sent` is written and nothing more; `closed` resolves when the server closes it. */
function rawConnection(base: string, sent: string): Promise<{ received: () => string; closed: Promise<number> }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      cleanup.push(() => socket.destroy());
      socket.write(sent);
      resolve({ received: () => received, closed });
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (received += d));
    socket.on('error', () => {});
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
    socket.once('error', reject);
  });
}

/** What the database holds for the petition: its count column, its counted rows, and which of `emails` it lacks. */
async function tally(databaseUrl: string, emails: Iterable<string>) {
  const { db } = openEngine(databaseUrl);
  try {
    const petition = await db.selectFrom('petitions').select(['id', 'signature_count']).where('slug', '=', SLUG).executeTakeFirstOrThrow();
    const rows = await db.selectFrom('signatures').select('email').where('petition_id', '=', petition.id).where('state', '=', 'confirmed').where('flag', 'is', null).execute();
    const stored = new Set(rows.map((r) => r.email));
    return { count: Number(petition.signature_count), rows: rows.length, missing: [...emails].filter((e) => !stored.has(e)) };
  } finally {
    await db.destroy();
  }
}

/** What each test leaves to undo, passed or failed (processes, loads, connections, its database), newest first. */
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});
const killAfter = (pids: number[]) => cleanup.push(() => pids.filter(isServer).forEach(killQuietly));
const database = async (create: () => Promise<TestDatabase>) => {
  const db = await create();
  cleanup.push(() => db.drop());
  return db;
};
const spawn = async (...args: Parameters<typeof spawnServer>) => {
  const server = await spawnServer(...args);
  killAfter([server.child.pid!]);
  return server;
};
const signers = (...args: Parameters<typeof signingLoad>) => {
  const load = signingLoad(...args);
  cleanup.push(() => load.stop());
  return load;
};

const recipient = (m: ParsedMail): string => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';

for (const { engine, skip, create } of await testEngines()) {
  describe(`SIGTERM ends what is open and exits in time (${engine})`, { skip }, () => {
    test('200 live-count viewers are each told to reconnect, their streams close, and the process exits 0', { timeout: 90_000 }, async (t) => {
      const db = await database(create);
      const server = await spawn({ DATABASE_URL: db.url, DEMO: '1', LOG_LEVEL: 'info', LIVE_CONNECTIONS_PER_CLIENT: '1000' });
      const agent = browser();
      const streams: LiveStream[] = [];
      for (let i = 0; i < 200; i += 20) streams.push(...(await Promise.all(Array.from({ length: 20 }, () => openLiveStream(server.url, SLUG, agent)))));
      const { code } = await terminate(t, server);
      assert.equal(code, 0, tail(server.output()));
      await Promise.all(streams.map((s) => s.closed));
      const told = streams.filter((s) => /event: reconnect\ndata: .*\n\n$/.test(s.text())).length;
      assert.equal(told, 200, 'every stream ends with the event telling the page to reconnect');
      assert.match(server.output(), /"msg":"shutting down[^"]*"/, 'one line when shutdown starts');
      assert.match(server.output(), /"msg":"stopped in \d+ ms"/, 'one line when it ends, with how long it took');
    });

    test('a client that sent half its request headers, and an idle keep-alive one, do not hold the process open', { timeout: 90_000 }, async (t) => {
      const db = await database(create);
      const server = await spawn({ DATABASE_URL: db.url, DEMO: '0', SHUTDOWN_TIMEOUT: String(SHORT_TIMEOUT_MS / 1000) });
      const idle = await rawConnection(server.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      while (!/\r\n\r\n\{"ok":true\}/.test(idle.received())) await sleep(20);
      const half = await rawConnection(server.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: half-');
      await sleep(200);
      const { code } = await terminate(t, server, { timeoutMs: SHORT_TIMEOUT_MS });
      assert.equal(code, 0, tail(server.output()));
      const [idleClosedAt, halfClosedAt] = await Promise.all([idle.closed, half.closed]);
      assert.ok(idleClosedAt <= halfClosedAt, 'the idle connection is closed at once, the unfinished one after the grace period');
    });

    test('a mail backlog is not sent while the stop waits for a slow client: unsent mail stays queued and unleased, and after a restart each mail goes once', { timeout: 120_000 }, async (t) => {
      const db = await database(create);
      const smtp = await startSmtpSink(0, { delayMs: 200 });
      cleanup.push(() => smtp.close());
      const env = { DATABASE_URL: db.url, DEMO: '0', SMTP_URL: smtp.url, MAIL_CONCURRENCY: '16', SHUTDOWN_TIMEOUT: String(SHORT_TIMEOUT_MS / 1000) };
      const store = await openStore(openEngine(db.url));
      const backlog = 2000;
      await store.enqueueMail(
        Array.from({ length: backlog }, (_, i) => ({ kind: 'petition-update', to: `backlog-${i}@example.org`, subject: `Mail ${i}`, text: 'Hello', html: '<p>Hello</p>' })),
        new Date(),
      );
      await store.close();
      const first = await spawn(env);
      // A client still sending its request: the stop waits for it until the grace period ends.
      await rawConnection(first.url, 'POST /api/v1/petitions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl');
      while (smtp.messages.length < 32) await sleep(20);
      const { code } = await terminate(t, first, { timeoutMs: SHORT_TIMEOUT_MS });
      assert.equal(code, 0, tail(first.output()));
      const sentBefore = smtp.messages.filter((m) => recipient(m).startsWith('backlog-')).length;
      t.diagnostic(`${sentBefore} of ${backlog} mails sent by the first process`);

      const { db: kysely } = openEngine(db.url);
      try {
        const unsent = await kysely.selectFrom('outbox').select(['id', 'claimed_by', 'locked_until']).where('sent_at', 'is', null).where('to_address', 'like', 'backlog-%').execute();
        assert.ok(unsent.length > backlog / 2, `the stop sent ${backlog - unsent.length} of the ${backlog} queued mails`);
        assert.deepEqual(unsent.filter((m) => m.claimed_by !== null || m.locked_until !== null), [], 'unsent mail is handed back, not left leased');
        const recorded = await kysely.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is not', null).where('to_address', 'like', 'backlog-%').executeTakeFirstOrThrow();
        assert.equal(Number(recorded.n), sentBefore, 'every mail the relay took is recorded as sent');
      } finally {
        await kysely.destroy();
      }

      // A restart sends the rest, each once (a faster relay now, to keep the test short).
      smtp.behaviour.delayMs = 0;
      const second = await spawn({ ...env, MAIL_CONCURRENCY: '64' });
      const deadline = Date.now() + 60_000;
      const backlogMail = () => smtp.messages.map(recipient).filter((to) => to.startsWith('backlog-'));
      while (backlogMail().length < backlog && Date.now() < deadline) await sleep(100);
      await sleep(300);
      assert.equal((await terminate(t, second)).code, 0);
      const to = backlogMail();
      assert.equal(new Set(to).size, backlog, 'every mail arrives');
      assert.equal(to.length, backlog, 'none twice');
    });

    test('under a signing load, every acknowledged signature is stored and the count equals the rows', { timeout: 90_000 }, async (t) => {
      const db = await database(create);
      const server = await spawn({ DATABASE_URL: db.url, DEMO: '1' });
      const load = signers([server.url], SLUG, `term-${engine}`, 16);
      while (load.acknowledged.size < 100) await sleep(20);
      const { code } = await terminate(t, server);
      await load.stop();
      assert.equal(code, 0, tail(server.output()));
      const stored = await tally(db.url, load.acknowledged);
      assert.deepEqual(stored.missing, [], 'no acknowledged signature is lost');
      assert.equal(stored.count, stored.rows, 'the count equals the rows');
    });
  });
}

describe('SIGTERM to the primary of --workers 2', { skip: !(await postgresAvailable()) && 'PostgreSQL not reachable' }, () => {
  test('with live streams, a half-sent request and signers on both workers, every process exits within the bound', { timeout: 120_000 }, async (t) => {
    const db = await database(postgresDatabase);
    const server = await spawn({ DATABASE_URL: db.url, DEMO: '1', LIVE_CONNECTIONS_PER_CLIENT: '1000' }, ['--workers', '2']);
    let workers = nodeChildrenOf(server.child.pid!);
    for (let i = 0; i < 100 && workers.length < 2; i++) await sleep(100), (workers = nodeChildrenOf(server.child.pid!));
    killAfter(workers);
    assert.equal(workers.length, 2, 'two workers run');
    const agent = browser();
    const streams = await Promise.all(Array.from({ length: 40 }, () => openLiveStream(server.url, SLUG, agent)));
    const half = await rawConnection(server.url, 'POST /api/v1/petitions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-');
    const load = signers([server.url], SLUG, 'term-workers', 8);
    while (load.acknowledged.size < 50) await sleep(20);
    const { code } = await terminate(t, server, { workers });
    await load.stop();
    assert.equal(code, 0, tail(server.output()));
    assert.deepEqual(workers.filter(isServer), [], 'no worker outlives the primary');
    await Promise.all([...streams.map((s) => s.closed), half.closed]);
    assert.equal(streams.filter((s) => /event: reconnect\n/.test(s.text())).length, streams.length, 'each stream is told to reconnect');
    const stored = await tally(db.url, load.acknowledged);
    assert.deepEqual(stored.missing, []);
    assert.equal(stored.count, stored.rows);
  });
});
