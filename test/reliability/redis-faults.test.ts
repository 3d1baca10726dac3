import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { openEngine } from '../../src/store/engine.ts';
import { spawnServer, type ChildServer } from '../support/child-server.ts';
import { postgresAvailable, postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

/*
 * Issue 20, the Redis rows: real servers whose Redis (the real one, at 127.0.0.1:6379) is reached
 * through a TCP proxy that the test cuts, stalls and restores. After each fault: no acknowledged
 * signature is lost, the count equals the rows, the process is the same one, and it serves (and uses
 * Redis) again within a bound. Rates are compared with generous, functional bounds: the machine is busy.
 */

const REDIS = { host: '127.0.0.1', port: 6379 };
const SLUG = 'open-the-library-24-hours-during-exams'; // the demo petition
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redisUp = await (async () => {
  const probe = new Redis(REDIS.port, REDIS.host, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();
if (!redisUp) console.log(`# Redis not reachable at ${REDIS.host}:${REDIS.port}: the Redis fault tests are skipped.`);

/** Client addresses for this run: one random /16, so runs never share a rate-limit budget. */
const block = 1 + Math.floor(Math.random() * 250);
const address = (n: number) => `10.${block}.${(n >> 8) & 255}.${n & 255}`;

/** The environment of a server whose limits live in Redis, behind "a proxy" that names each client. */
const serverEnv = (databaseUrl: string, redisUrl: string) => ({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  DEMO: '1',
  RATE_LIMIT: 'on',
  TRUST_PROXY: '127.0.0.1',
  SIGNATURE_CONFIRMATION: 'none',
  LOG_LEVEL: 'warn',
  // Counted in Redis like any signature, but never over: every acknowledged signature must count.
  SIGN_LIMIT_PER_ADDRESS: '1000000',
  SIGN_LIMIT_PER_DOMAIN: '1000000',
});

interface Answer {
  email: string;
  status: number | 'no answer';
  retryAfter: string | null;
  at: number;
}

/** Signers on `concurrency` connections until stopped, each from one of 4096 addresses: what each was answered, and when. */
function signers(url: string, tag: string, concurrency: number) {
  const answers: Answer[] = [];
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const i = n++;
      const email = `${tag}-${i}@example.org`;
      try {
        const res = await fetch(`${url}/api/v1/petitions/${SLUG}/signatures`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address(i % 4096) },
          body: JSON.stringify({ name: 'Load Signer', email }),
        });
        await res.arrayBuffer();
        answers.push({ email, status: res.status, retryAfter: res.headers.get('retry-after'), at: Date.now() });
      } catch {
        answers.push({ email, status: 'no answer', retryAfter: null, at: Date.now() });
        await sleep(5);
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    answers,
    /** Signatures acknowledged per second between two instants. */
    rate: (from: number, to: number) => answers.filter((a) => a.status === 201 && a.at >= from && a.at < to).length / ((to - from) / 1000),
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/**
 * Whether the rate limits are being enforced: 31 posts from one new address to a route that allows 30 a
 * minute (an unauthenticated write: refused 401 unless limited first). With Redis skipped none is 429.
 * Each post gives up after `timeoutMs`, so a server that waits on Redis cannot hang the test.
 */
async function rateLimited(url: string, client: string, timeoutMs = 3000): Promise<{ limited: boolean; statuses: string; slowest: number }> {
  const started = Date.now();
  const statuses: Array<number | string> = [];
  for (let i = 0; i < 31; i++) {
    try {
      const res = await fetch(`${url}/api/v1/categories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify({ slug: 'x', name: 'X' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    } catch {
      statuses.push('timeout');
      break;
    }
  }
  const tally = new Map<string, number>();
  for (const s of statuses) tally.set(String(s), (tally.get(String(s)) ?? 0) + 1);
  return { limited: statuses.includes(429), statuses: JSON.stringify(Object.fromEntries(tally)), slowest: Date.now() - started };
}

/** The breaker's lines in a server's log: Redis going away, and coming back. */
function transitions(output: string) {
  const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg?: string; pid?: number });
  return {
    away: lines.filter((l) => /^Redis at .* is not answering/.test(l.msg ?? '')),
    back: lines.filter((l) => /^Redis at .* is back after/.test(l.msg ?? '')),
  };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, every = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(every);
  }
  return check();
}

/** What the database holds for the petition: its count column, its counted rows, and which of `emails` it lacks. */
async function tally(databaseUrl: string, emails: Iterable<string>) {
  const { db } = openEngine(databaseUrl);
  try {
    const petition = await db.selectFrom('petitions').select(['id', 'signature_count']).where('slug', '=', SLUG).executeTakeFirstOrThrow();
    const rows = await db.selectFrom('signatures').select('email').where('petition_id', '=', petition.id).where('state', '=', 'confirmed').where('flag', 'is', null).execute();
    const stored = new Set(rows.map((r) => r.email));
    assert.equal(stored.size, rows.length, 'no email stored twice');
    return { count: Number(petition.signature_count), rows: rows.length, missing: [...emails].filter((e) => !stored.has(e)) };
  } finally {
    await db.destroy();
  }
}

const statusSummary = (answers: Answer[]) => {
  const tally = new Map<string, number>();
  for (const a of answers) tally.set(String(a.status), (tally.get(String(a.status)) ?? 0) + 1);
  return JSON.stringify(Object.fromEntries(tally));
};

/** Stops a server gracefully, then checks what it stored against what it acknowledged. */
async function checkStored(server: ChildServer, db: TestDatabase, answers: Answer[]) {
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0, 'a clean exit after the fault');
  const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.email);
  const t = await tally(db.url, acknowledged);
  assert.deepEqual(t.missing, [], `${acknowledged.length} acknowledged, ${t.missing.length} missing`);
  assert.equal(t.count, t.rows, 'the stored count equals the counted rows');
}

for (const fault of ['cut', 'stall'] as const) {
  const what = fault === 'cut' ? 'cut (connections ended, new ones refused)' : 'stalled (connections open, nothing answered)';
  describe(`Redis ${what} for 5 s under a signing load`, { skip: !redisUp && 'Redis not reachable' }, () => {
    let db: TestDatabase;
    let proxy: TcpProxy;
    let server: ChildServer;
    before(async () => {
      db = sqliteDatabase();
      proxy = await startTcpProxy(REDIS);
      server = await spawnServer(serverEnv(db.url, proxy.url));
    });
    after(async () => {
      if (server?.child.exitCode === null) server.child.kill('SIGKILL');
      await proxy?.close();
      await db?.drop();
    });

    test('signing keeps being answered, limits fail open at once, the breaker logs once each way, and Redis is used again after', { timeout: 120_000 }, async () => {
      const pid = server.child.pid;
      const limitsBefore = await rateLimited(server.url, address(5000));
      assert.ok(limitsBefore.limited, `rate limits are kept in Redis before the fault: ${limitsBefore.statuses}`);

      const load = signers(server.url, fault, 32);
      const started = Date.now();
      await sleep(3000);
      const faultBegan = Date.now();
      if (fault === 'cut') await proxy.cut();
      else proxy.stall();
      await sleep(1500);
      // While Redis is away the limits are skipped (fail open, as before), and without waiting for it.
      const limitsDuring = await rateLimited(server.url, address(5001), 5000);
      await sleep(Math.max(0, faultBegan + 5000 - Date.now()));
      const faultEnded = Date.now();
      await proxy.restore();
      const back = await waitFor(() => transitions(server.output()).back.length > 0, 10_000);
      const backAt = Date.now();
      await sleep(1000);
      await load.stop();

      const rateBefore = load.rate(started + 1000, faultBegan);
      const rateDuring = load.rate(faultBegan, faultEnded);
      const rateAfter = load.rate(backAt, backAt + 1000);
      console.log(
        `# Redis ${fault}: ${rateBefore.toFixed(0)} signatures/s before, ${rateDuring.toFixed(0)}/s during the fault, ${rateAfter.toFixed(0)}/s after; answers ${statusSummary(load.answers)}; ` +
          `limits during the fault ${limitsDuring.statuses} in ${limitsDuring.slowest} ms; back ${back ? `${backAt - faultEnded} ms` : 'never'} after the restore`,
      );
      const answeredWell = load.answers.every((a) => a.status === 201 || (a.status === 503 && Number(a.retryAfter) > 0));
      assert.ok(answeredWell, `only 201 (or 503 with Retry-After when shedding load), never a 500 nor a dropped connection: ${statusSummary(load.answers)}`);
      assert.ok(rateBefore > 0, 'signing before the fault');
      // Functional, not a benchmark: signing must not collapse while Redis is away (it was 2 % cut, 0 % stalled).
      assert.ok(rateDuring >= 0.3 * rateBefore, `signing during the fault (${rateDuring.toFixed(0)}/s) is at least 30 % of before (${rateBefore.toFixed(0)}/s)`);
      // Each post is given 5 s (a busy machine queues them behind the load); waiting on Redis would take longer.
      assert.ok(!limitsDuring.limited && !limitsDuring.statuses.includes('timeout'), `limits skipped, without waiting, while Redis is away: ${limitsDuring.statuses}`);

      // It came back: one line each way, and the limits are kept in Redis again.
      assert.ok(back, `the breaker said Redis is back within 10 s of the restore:\n${server.output()}`);
      const limitsAfter = await rateLimited(server.url, address(5002));
      assert.ok(limitsAfter.limited, `rate limits are kept in Redis again after it is back: ${limitsAfter.statuses}\n${server.output()}`);
      assert.ok(rateAfter > 0, 'signing after the fault');
      const lines = transitions(server.output());
      assert.equal(lines.away.length, 1, `one line when Redis went away:\n${server.output()}`);
      assert.equal(lines.back.length, 1, `one line when it came back:\n${server.output()}`);
      assert.doesNotMatch(server.output(), /Unhandled error event/);

      // The same process, still serving; then nothing acknowledged is lost and the count is the rows.
      assert.equal(server.child.exitCode, null, 'the process lives');
      assert.equal(server.child.pid, pid);
      assert.equal((await fetch(`${server.url}/api/v1/petitions/${SLUG}`)).status, 200);
      await checkStored(server, db, load.answers);
    });
  });
}

describe('Redis unreachable when the process starts', { skip: !redisUp && 'Redis not reachable' }, () => {
  test('the first signatures are answered at once, one line says Redis is away, and it is used once it answers', { timeout: 120_000 }, async () => {
    const db = sqliteDatabase();
    const proxy = await startTcpProxy(REDIS, { cut: true });
    const server = await spawnServer(serverEnv(db.url, proxy.url));
    const pid = server.child.pid;
    const answers: Answer[] = [];
    let n = 0;
    const sign = async () => {
      const email = `cold-${n}@example.org`;
      const began = Date.now();
      const res = await fetch(`${server.url}/api/v1/petitions/${SLUG}/signatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address(6000 + n++) },
        body: JSON.stringify({ name: 'Early Signer', email }),
      });
      await res.arrayBuffer();
      answers.push({ email, status: res.status, retryAfter: null, at: Date.now() });
      return { status: res.status, ms: Date.now() - began };
    };
    try {
      const first = [];
      for (let i = 0; i < 5; i++) first.push(await sign());
      console.log(`# Redis unreachable at start: the first signatures took ${first.map((s) => s.ms).join(', ')} ms`);
      for (const s of first) {
        assert.equal(s.status, 201);
        // It was 2.4 s each: every request waited for Redis to fail.
        assert.ok(s.ms < 1000, `a signature answered in ${s.ms} ms while Redis is unreachable`);
      }
      assert.ok(!(await rateLimited(server.url, address(6500))).limited, 'limits skipped while Redis is away');

      await proxy.restore();
      // Redis is probed by requests: sign now and then until the breaker says it is back.
      const back = await waitFor(async () => (await sign(), transitions(server.output()).back.length > 0), 10_000, 200);
      assert.ok(back, `the breaker said Redis is back within 10 s:\n${server.output()}`);
      const limits = await rateLimited(server.url, address(6501));
      assert.ok(limits.limited, `rate limits are kept in Redis once it answers: ${limits.statuses}`);
      const lines = transitions(server.output());
      assert.equal(lines.away.length, 1, server.output());
      assert.equal(lines.back.length, 1, server.output());
      assert.doesNotMatch(server.output(), /Unhandled error event/);
      assert.equal(server.child.exitCode, null);
      assert.equal(server.child.pid, pid);
      await checkStored(server, db, answers);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await proxy.close();
      await db.drop();
    }
  });
});

/** A live-count stream on a server: `next` waits up to `ms` for a count event and gives its number, or null. */
async function liveStream(url: string) {
  const controller = new AbortController();
  const res = await fetch(`${url}/petitions/${SLUG}/live`, { signal: controller.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  return {
    async next(ms: number): Promise<number | null> {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = /event: count\ndata: (.*)\n\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          return JSON.parse(m[1]!).signatureCount as number;
        }
        const left = deadline - Date.now();
        if (left <= 0) return null;
        pending ??= reader.read();
        const read = await Promise.race([pending, sleep(left).then(() => null)]);
        if (read === null) return null;
        pending = null;
        if (read.done) throw new Error('the stream ended');
        buffer += decoder.decode(read.value);
      }
    },
    close: () => controller.abort(),
  };
}

describe('Redis down when two processes start, then back', { skip: (!redisUp && 'Redis not reachable') || (!(await postgresAvailable()) && 'PostgreSQL not reachable') }, () => {
  test('once Redis answers, a signature taken by one process reaches a live-count stream on the other', { timeout: 120_000 }, async () => {
    const db = await postgresDatabase();
    const proxy = await startTcpProxy(REDIS, { cut: true });
    const env = { ...serverEnv(db.url, proxy.url), RATE_LIMIT: 'off' };
    const one = await spawnServer({ ...env, DEMO: '1' });
    const two = await spawnServer({ ...env, DEMO: '0' });
    const pids = [one.child.pid, two.child.pid];
    const answers: Answer[] = [];
    let n = 0;
    const sign = async (server: ChildServer) => {
      const email = `fanout-${n++}@example.org`;
      const res = await fetch(`${server.url}/api/v1/petitions/${SLUG}/signatures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Far Signer', email }) });
      await res.arrayBuffer();
      answers.push({ email, status: res.status, retryAfter: null, at: Date.now() });
      assert.equal(res.status, 201);
    };
    const viewer = await liveStream(one.url);
    try {
      const first = await viewer.next(5000);
      assert.ok(first !== null, 'the stream starts with the current count');
      // While Redis is away both processes take signatures; the viewer hears the first's own (first + 1).
      await sign(one);
      await sign(two);
      let highest = first;
      const listen = async (ms: number) => {
        for (let c = await viewer.next(ms); c !== null; c = await viewer.next(100)) highest = Math.max(highest, c);
      };
      await listen(1500);
      assert.equal(highest, first + 1, 'its own process\'s signature reaches the viewer; the other\'s cannot yet');

      await proxy.restore();
      // Within a bound of Redis coming back, a signature on the second process reaches the first's viewers:
      // a count past first + 1 can only have come from the other process, through Redis.
      const restored = Date.now();
      while (highest <= first + 1 && Date.now() - restored < 15_000) {
        await sign(two);
        await listen(500);
      }
      const recovered = highest > first + 1;
      console.log(`# Redis back after a start without it: fan-out ${recovered ? `recovered in ${Date.now() - restored} ms` : 'never recovered'}`);
      assert.ok(recovered, `a signature on one process reached a stream on the other within 15 s of Redis coming back:\n${one.output()}\n${two.output()}`);

      // Both processes are subscribed to the channel again.
      const { db: kysely } = openEngine(db.url);
      const secret = await kysely.selectFrom('app_secrets').select('value').where('name', '=', 'redis-namespace').executeTakeFirstOrThrow();
      await kysely.destroy();
      const redis = new Redis(REDIS.port, REDIS.host);
      try {
        const [, subscribers] = (await redis.pubsub('NUMSUB', `undersign:${secret.value}:counts`)) as [string, number];
        assert.equal(Number(subscribers), 2, 'both processes listen on the live-count channel');
      } finally {
        redis.disconnect();
      }
      for (const server of [one, two]) {
        assert.doesNotMatch(server.output(), /Unhandled error event/);
        assert.equal(server.child.exitCode, null, 'both processes live');
      }
      assert.deepEqual([one.child.pid, two.child.pid], pids);
    } finally {
      viewer.close();
    }
    try {
      for (const server of [one, two]) server.child.kill('SIGTERM');
      assert.deepEqual(await Promise.all([one.exited, two.exited]), [0, 0]);
      const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.email);
      const t = await tally(db.url, acknowledged);
      assert.deepEqual(t.missing, []);
      assert.equal(t.count, t.rows, 'the stored count equals the counted rows');
    } finally {
      for (const server of [one, two]) if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await proxy.close();
      await db.drop();
    }
  });
});
