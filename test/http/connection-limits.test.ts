import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

/** A raw TCP connection to the server, with what it received and when it closed. */
function open(server: TestServer): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { port } = new URL(server.address);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    const start = Date.now();
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - start)));
    socket.once('error', () => {}); // a reset is a close too
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

/** A POST that announces a body and never sends it. */
const stalledPost = (slug: string) =>
  `POST /api/v1/petitions/${slug}/signatures HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`;

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms).unref())]);

/** Issue 14, item 4: connections that never finish their request end, and there is a cap on them. */
describe('slow and surplus connections', () => {
  let db: TestDatabase;
  let server: TestServer;
  let slug = '';

  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none', REQUEST_TIMEOUT_SECONDS: '1', MAX_CONNECTIONS: '20' });
    slug = (await createPetitionViaApi(server)).slug;
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  test('a request whose body never arrives loses its connection after the request timeout', async () => {
    const conn = await open(server);
    conn.socket.write(stalledPost(slug));
    const took = await within(conn.closed, 5000, 'the stalled POST');
    assert.ok(took >= 900, `not before the timeout (${took} ms)`);
    assert.match(conn.received(), /^HTTP\/1\.1 408/, 'answered 408 Request Timeout');
  });

  test('a connection that sends nothing at all is closed too', async () => {
    const conn = await open(server);
    await within(conn.closed, 5000, 'the silent connection');
  });

  test('a live-count stream outlives the request timeout: it is a response, not a request', async () => {
    const controller = new AbortController();
    const res = await server.request(`/petitions/${slug}/live`, { signal: controller.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    let text = '';
    const ended = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await new Promise((r) => setTimeout(r, 3000)); // three request timeouts, at least two checks
    const signed = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Late Signer', email: 'late@example.org' });
    assert.ok(signed.ok, `signed: ${signed.status}`);
    const counted = /event: count\ndata: .*"signatureCount":1/;
    for (let i = 0; i < 50 && !counted.test(text); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(text, counted, `the stream still delivers counts: ${JSON.stringify(text)}`);
    controller.abort();
    await ended;
  });

  test('past the connection cap new connections are closed at once, and the server answers again once slots free', async () => {
    // Fill the cap with stalled requests (the test's own keep-alive connections may hold a slot or two).
    const stalled = await Promise.all(Array.from({ length: 20 }, () => open(server)));
    for (const c of stalled) c.socket.write(stalledPost(slug));
    await new Promise((r) => setTimeout(r, 100));
    const extra = await Promise.all(Array.from({ length: 10 }, () => open(server)));
    for (const c of extra) c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await Promise.all(extra.map((c) => within(c.closed, 2000, 'a connection past the cap')));
    assert.ok(extra.every((c) => c.received() === ''), 'no connection past the cap was served');

    // The stalled ones time out, and the server takes requests again.
    await Promise.all(stalled.map((c) => within(c.closed, 5000, 'a stalled request')));
    const health = await server.request('/healthz');
    assert.equal(health.status, 200);
  });
});
