import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { startSmtpSink, confirmationLink } from '../support/smtp.ts';
import { openSite, type Site } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import type { LiveCounts } from '../../src/web/live-counts.ts';

/** Opens the live stream and returns a reader of its `count` events. */
async function openStream(server: TestServer, slug: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await server.request(`/petitions/${slug}/live`, { signal: controller.signal, headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('x-accel-buffering'), 'no');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    /** The next count event's number (waits up to 5 s). */
    async next(): Promise<number> {
      const deadline = Date.now() + 5000;
      for (;;) {
        const m = /event: count\ndata: (.*)\n\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          return JSON.parse(m[1]!).signatureCount;
        }
        if (Date.now() > deadline) throw new Error(`no count event in: ${buffer}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value);
      }
    },
    close: () => controller.abort(),
  };
}

const live = (server: TestServer) => (server.app as unknown as { liveCounts: LiveCounts }).liveCounts;
const until = async (check: () => boolean) => {
  for (let i = 0; i < 50 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('live counts over Server-Sent Events', () => {
  let site: Site;
  let server: TestServer;
  // A real server: streams stay open on their connections, and closing it tells them to reconnect.
  before(async () => {
    site = await openSite({ database: sqliteDatabase, env: { SIGNATURE_CONFIRMATION: 'none' }, listen: true });
    ({ server } = site);
  });
  after(() => site?.close());

  test('every viewer hears the new count after a signature commits, and leaving cleans up', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Watch me grow' });
    const one = await openStream(server, slug);
    const two = await openStream(server, slug);
    assert.equal(await one.next(), 0, 'the current count first');
    assert.equal(await two.next(), 0);
    assert.equal(live(server).viewerCount, 2);

    await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'A', email: 'a@example.org' });
    assert.equal(await one.next(), 1);
    assert.equal(await two.next(), 1);

    one.close();
    two.close();
    await until(() => live(server).viewerCount === 0);
    assert.equal(live(server).viewerCount, 0);
  });

  test('bursts are coalesced: many commits, few events, always ending on the latest count', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Burst' });
    const viewer = await openStream(server, slug);
    assert.equal(await viewer.next(), 0);
    for (let i = 0; i < 6; i++) await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'B', email: `b${i}@example.org` });
    const seen = [await viewer.next()];
    while (seen.at(-1) !== 6) seen.push(await viewer.next());
    assert.ok(seen.length <= 3, `6 commits within a second gave ${seen.length} events: ${seen}`);
    viewer.close();
  });

  test('an unknown petition is 404', async () => {
    assert.equal((await server.request('/petitions/no-such/live')).status, 404);
  });

  test('beyond the cap on open streams the answer is 503 with Retry-After, and a freed place is taken again', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Crowded' });
    const hub = live(server);
    const cap = hub.maxViewers;
    hub.maxViewers = 1;
    try {
      const first = await openStream(server, slug);
      assert.equal(await first.next(), 0);
      const refused = await server.request(`/petitions/${slug}/live`);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '30');
      assert.equal((await refused.json()).error.code, 'UNAVAILABLE');
      first.close();
      await until(() => hub.viewerCount === 0);
      const again = await openStream(server, slug);
      assert.equal(await again.next(), 0);
      again.close();
    } finally {
      hub.maxViewers = cap;
    }
  });
});

/** Issue 14, item 10 (c): one client took all 10,000 places in 5 s. */
describe('live counts per client address', () => {
  let site: Site;
  let server: TestServer;
  before(async () => {
    // The test's requests come through "a proxy" on loopback, which names each client in X-Forwarded-For.
    site = await openSite({ database: sqliteDatabase, env: { SIGNATURE_CONFIRMATION: 'none', TRUST_PROXY: '127.0.0.1', LIVE_CONNECTIONS_PER_CLIENT: '3' }, listen: true });
    ({ server } = site);
  });
  after(() => site?.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const refusedStream = async (slug: string, ip: string) => {
    const controller = new AbortController();
    const res = await server.request(`/petitions/${slug}/live`, { headers: from(ip), signal: controller.signal });
    // A stream that was let through never ends: hang up rather than wait for its body.
    if (res.status === 200) controller.abort();
    const body = res.status === 200 ? '' : await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), cacheControl: res.headers.get('cache-control'), body };
  };

  test('past its cap a client is answered 429 with Retry-After, another client still gets a stream, and a closed stream gives its place back', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'One tab too many' });
    const [alice, bob] = ['198.51.100.7', '198.51.100.8'];
    const streams = [];
    for (let i = 0; i < 3; i++) {
      const stream = await openStream(server, slug, from(alice));
      assert.equal(await stream.next(), 0);
      streams.push(stream);
    }
    const refused = await refusedStream(slug, alice);
    assert.equal(refused.status, 429, `the fourth stream from one address: ${refused.body}`);
    assert.ok(Number(refused.retryAfter) > 0, `Retry-After: ${refused.retryAfter}`);
    assert.equal(refused.cacheControl, 'no-store');
    assert.equal(JSON.parse(refused.body).error.code, 'RATE_LIMITED');
    assert.ok(!refused.body.includes(alice), 'the answer does not echo the address');

    const other = await openStream(server, slug, from(bob));
    assert.equal(await other.next(), 0, 'another address is not held to this one’s cap');

    // Without the stream the page and the count it polls still answer that client.
    const page = await server.request(`/petitions/${slug}`, { headers: from(alice) });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /data-live-count=/);
    const count = await server.request(`/api/v1/petitions/${slug}/count`, { headers: from(alice) });
    assert.equal((await count.json()).signatureCount, 0);

    streams.shift()!.close();
    await until(() => live(server).viewerCount === 3);
    const again = await openStream(server, slug, from(alice));
    assert.equal(await again.next(), 0, 'the closed stream’s place is taken again');
    assert.equal((await refusedStream(slug, alice)).status, 429, 'and the cap holds again');

    for (const s of [...streams, other, again]) s.close();
    await until(() => live(server).viewerCount === 0);
    assert.equal(live(server).viewerCount, 0);
    const afterAll = await openStream(server, slug, from(alice));
    assert.equal(await afterAll.next(), 0, 'every place is given back');
    afterAll.close();
  });

  test('an IPv6 client counts as its /64: walking through its addresses buys no more places', async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Many addresses, one subscriber' });
    const streams = [];
    for (const ip of ['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:abcd::3']) streams.push(await openStream(server, slug, from(ip)));
    assert.equal((await refusedStream(slug, '2001:db8:5:6::99')).status, 429);
    const neighbour = await openStream(server, slug, from('2001:db8:5:7::1'));
    assert.equal(await neighbour.next(), 0, 'the next /64 is another client');
    for (const s of [...streams, neighbour]) s.close();
    await until(() => live(server).viewerCount === 0);
  });
});

describe('live counts when signatures are confirmed by email', () => {
  test('following the link moves the count on open streams (confirmations commit through the batcher too)', async () => {
    const db = sqliteDatabase();
    const smtp = await startSmtpSink();
    const server = await startTestServer({ DATABASE_URL: db.url, SMTP_URL: smtp.url });
    try {
      const { slug } = await createPetitionViaApi(server, { title: 'Confirm me' });
      const viewer = await openStream(server, slug);
      assert.equal(await viewer.next(), 0);
      assert.equal((await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'D', email: 'd@example.org' })).status, 202);
      const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('d@example.org'));
      assert.equal((await fetch(confirmationLink(mail))).status, 200);
      assert.equal(await viewer.next(), 1);
      viewer.close();
    } finally {
      await server.close();
      await smtp.close();
      await db.drop();
    }
  });
});

const redisUp = await (async () => {
  const probe = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();

describe('live counts across processes', () => {
  test('a viewer on one process hears a signature taken by another (Redis)', { skip: !redisUp && 'Redis not reachable' }, async () => {
    const db = sqliteDatabase();
    const env = { DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none', REDIS_URL: 'redis://127.0.0.1:6379' };
    const a = await startTestServer(env);
    const b = await startTestServer(env);
    try {
      const { slug } = await createPetitionViaApi(a, { title: 'Two processes' });
      const viewer = await openStream(a, slug);
      assert.equal(await viewer.next(), 0);
      await new Promise((r) => setTimeout(r, 200)); // let the subscription settle
      await b.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'C', email: 'c@example.org' });
      assert.equal(await viewer.next(), 1);
      const count = await (await a.request(`/api/v1/petitions/${slug}/count`)).json();
      assert.equal(count.signatureCount, 1, 'the other process’s cached count moved too');
      viewer.close();
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
