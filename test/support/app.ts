import type { FastifyInstance } from 'fastify';
import { startServer } from '../../src/main.ts';
import { asTestServer, startTestServer, testConfig, type TestServer } from './server.ts';
import { startSmtpSink, type SmtpSink } from './smtp.ts';
import type { TestDatabase } from './engines.ts';

/**
 * The whole app in this process (store, writer thread, batcher, mail delivery, scheduler), answering
 * requests through Fastify's inject rather than a socket (decision 0051). Same interface as
 * startTestServer, so a suite switches by its set-up line. Nothing listens: BASE_URL names loopback (the
 * dev outbox answers only loopback hosts) on the discard port 9, where no web server is.
 */
export async function startTestApp(env: Record<string, string | undefined>, options: { clock?: () => Date } = {}): Promise<TestServer> {
  const config = testConfig({ BASE_URL: 'http://127.0.0.1:9', ...env });
  const running = await startServer(config, { ...options, listen: false });
  return asTestServer(running, config, (path, init) => injected(running.app, new URL(path, config.baseUrl), init));
}

/**
 * One request as fetch would send it with `redirect: 'manual'`: the WHATWG Request does the body
 * encoding (strings, forms, JSON) and headers, inject does the rest, and the answer comes back as a
 * WHATWG Response, Set-Cookie lines and all. Inject answers from 127.0.0.1, the loopback the tests trust.
 */
async function injected(app: FastifyInstance, url: URL, init: RequestInit = {}): Promise<Response> {
  const request = new Request(url, init);
  const headers: Record<string, string> = { host: url.host };
  request.headers.forEach((value, name) => (headers[name] = value));
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const res = await app.inject({ method: request.method as 'GET', url: url.pathname + url.search, headers, ...(body ? { payload: body } : {}) });
  const answer = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) answer.append(name, String(one));
  }
  const bodyless = request.method === 'HEAD' || [101, 204, 205, 304].includes(res.statusCode);
  return new Response(bodyless ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, statusText: res.statusMessage, headers: answer });
}

/** A database, an SMTP sink if asked, and the app over them: what most HTTP suites set up. */
export interface Site {
  db: TestDatabase;
  smtp: SmtpSink;
  server: TestServer;
  close(): Promise<void>;
}

export interface SiteOptions {
  database: () => TestDatabase | Promise<TestDatabase>;
  env?: Record<string, string | undefined>;
  clock?: () => Date;
  /** A sink for the site's mail at SMTP_URL; without it mail stays in the dev outbox. */
  smtp?: boolean;
  /** A real server on a loopback port, for suites where the socket matters; in-process otherwise. */
  listen?: boolean;
}

/** Opens a site for a suite's `before`; its close (for `after`) stops the server, then the sink, then drops the database. */
export async function openSite(options: SiteOptions): Promise<Site> {
  const db = await options.database();
  const smtp = options.smtp ? await startSmtpSink() : undefined;
  const env = { DATABASE_URL: db.url, ...(smtp ? { SMTP_URL: smtp.url } : {}), ...options.env };
  const start = options.listen ? startTestServer : startTestApp;
  const server = await start(env, { clock: options.clock }).catch(async (error: unknown) => {
    await smtp?.close();
    await db.drop();
    throw error;
  });
  return {
    db,
    server,
    get smtp(): SmtpSink {
      if (!smtp) throw new Error('this site was opened without an SMTP sink');
      return smtp;
    },
    async close() {
      await server.close();
      await smtp?.close();
      await db.drop();
    },
  };
}
