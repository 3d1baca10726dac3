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
  // Load shedding off unless a test turns it on: a busy test machine's event loop would trip it (decision 0036).
  const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, DEMO: '0', RATE_LIMIT: 'off', MAX_EVENT_LOOP_DELAY_MS: '0', ...env });
  const running = await startServer(config, options);
  let token: string | undefined;
  const request = (path: string, init?: RequestInit) => fetch(`${running.address}${path}`, { redirect: 'manual', ...init });
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
