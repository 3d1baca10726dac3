import { createServer } from 'node:net';
import { loadConfig, type Config } from '../../src/config.ts';
import { startServer, type Running } from '../../src/main.ts';
import { createAdmin, createToken } from '../../src/services/accounts.ts';

export interface TestServer extends Running {
  config: Config;
  /** fetch against the server, with a path. */
  request(path: string, init?: RequestInit): Promise<Response>;
  postJson(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** An administrator's API token. */
  adminToken(): Promise<string>;
}

/** A real server listening on a free loopback port, with test-friendly settings. */
export async function startTestServer(env: Record<string, string | undefined>, options: { clock?: () => Date } = {}): Promise<TestServer> {
  // BASE_URL must name the real port (links in mail, the same-origin check), so pick the port first.
  const port = await freePort();
  const config = testConfig({ PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, ...env });
  const running = await startServer(config, options);
  return asTestServer(running, config, (path, init) => fetch(`${running.address}${path}`, { redirect: 'manual', ...init }));
}

/** Test-friendly settings over the given environment. */
export function testConfig(env: Record<string, string | undefined>): Config {
  // Load shedding off unless a test turns it on: a busy test machine's event loop would trip it (decision 0036).
  return loadConfig({ NODE_ENV: 'test', DEMO: '0', RATE_LIMIT: 'off', MAX_EVENT_LOOP_DELAY_MS: '0', ...env });
}

/** The interface suites use, over a running app and a way to send it a request (a socket or inject). */
export function asTestServer(running: Running, config: Config, request: TestServer['request']): TestServer {
  let token: string | undefined;
  return {
    ...running,
    config,
    request,
    postJson: (path, body, headers = {}) =>
      request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
    async adminToken() {
      if (token) return token;
      await createAdmin(running.store, 'admin@example.org', 'correct horse battery staple', new Date());
      token = await createToken(running.store, 'admin@example.org', 'tests', new Date());
      return token;
    },
  };
}

/** Creates a petition through the API as an administrator and returns its JSON. */
export async function createPetitionViaApi(server: TestServer, body: Record<string, unknown> = {}): Promise<{ slug: string; [k: string]: unknown }> {
  const res = await server.postJson(
    '/api/v1/petitions',
    { title: 'Plant a tree for every graduate', target: 'Vice-Chancellor', body: 'Plant one tree per graduate each year.', why: 'Shade and carbon.', ...body },
    { authorization: `Bearer ${await server.adminToken()}` },
  );
  if (res.status !== 201) throw new Error(`create petition: ${res.status} ${await res.text()}`);
  return (await res.json()) as { slug: string };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
