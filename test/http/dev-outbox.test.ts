import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

const interfaces = Object.values(networkInterfaces()).flat();
/** This machine's first address that is not loopback (the outside world's way in), if it has one. */
const outsideAddress = interfaces.find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
const ipv6Loopback = interfaces.some((i) => i?.address === '::1');

/** A GET over a real connection to `address`, with exactly the headers given (Host among them). */
function get(address: string, port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: address, port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const PATHS = ['/dev/outbox', '/dev/outbox.json', '/dev/outbox/1'];

/** Issue 14, item 10 (f): the outbox holds every sign-in link; only someone at this machine may read it. */
describe('the development outbox answers this machine only', () => {
  let db: TestDatabase;
  let server: TestServer;
  let port = 0;
  let secret = '';
  before(async () => {
    db = sqliteDatabase();
    // Listening on every interface (dual stack: IPv4 clients arrive as ::ffff:a.b.c.d), and trusting
    // X-Forwarded-For from the outside address too, so that only the socket's own address can tell.
    server = await startTestServer({ DATABASE_URL: db.url, HOST: ipv6Loopback ? '::' : '0.0.0.0', TRUST_PROXY: ['127.0.0.1', outsideAddress].filter(Boolean).join(',') });
    port = server.config.port;
    // A mail in the outbox: a confirmation link, the kind of thing nobody else may read.
    const { slug } = await createPetitionViaApi(server, { title: 'Read my mail' });
    secret = 'only-me@example.org';
    assert.equal((await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Me', email: secret })).status, 202);
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  test('from loopback, to a loopback name, it works', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost']) {
      const list = await get('127.0.0.1', port, '/dev/outbox', { host });
      assert.equal(list.status, 200, `Host ${host}`);
      assert.ok(list.body.includes(secret), 'the mail is listed');
    }
    const json = await get('127.0.0.1', port, '/dev/outbox.json', { host: `127.0.0.1:${port}` });
    assert.equal(json.status, 200);
    assert.ok(json.body.includes(secret));
  });

  test('from loopback over IPv6, to [::1], it works', { skip: !ipv6Loopback && 'no IPv6 loopback on this machine' }, async () => {
    const res = await get('::1', port, '/dev/outbox.json', { host: `[::1]:${port}` });
    assert.equal(res.status, 200);
    assert.ok(res.body.includes(secret));
  });

  test('from this machine’s outside address it does not exist, whatever Host or X-Forwarded-For say', { skip: !outsideAddress && 'no non-loopback address on this machine' }, async () => {
    for (const path of PATHS) {
      const tries: Array<Record<string, string>> = [{ host: `${outsideAddress}:${port}` }, { host: `127.0.0.1:${port}` }, { host: `localhost:${port}`, 'x-forwarded-for': '127.0.0.1' }];
      for (const headers of tries) {
        const res = await get(outsideAddress!, port, path, headers);
        assert.equal(res.status, 404, `${path} from ${outsideAddress} with ${JSON.stringify(headers)}`);
        assert.ok(!res.body.includes(secret), 'no mail in the answer');
      }
    }
    // The rest of the site answers there, so the 404 is the outbox's own.
    assert.equal((await get(outsideAddress!, port, '/healthz', { host: `${outsideAddress}:${port}` })).status, 200);
  });

  test('from loopback but naming another host (DNS rebinding) or passed on by a proxy, it does not exist', async () => {
    for (const path of PATHS) {
      const tries: Array<Record<string, string>> = [
        { host: `evil.example:${port}` },
        { host: `127.0.0.1.evil.example:${port}` },
        { host: `127.0.0.1:${port}`, 'x-forwarded-for': '203.0.113.9' },
        { host: `localhost:${port}`, forwarded: 'for=203.0.113.9' },
      ];
      for (const headers of tries) {
        const res = await get('127.0.0.1', port, path, headers);
        assert.equal(res.status, 404, `${path} with ${JSON.stringify(headers)}`);
        assert.ok(!res.body.includes(secret));
      }
    }
  });
});
