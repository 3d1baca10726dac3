import { before, after } from 'node:test';
import { launchBrowser } from './browser.ts';
import { startTestServer, type TestServer } from './server.ts';
import { sqliteDatabase, type TestDatabase } from './engines.ts';

/**
 * The usual set-up of a browser test file: a fresh SQLite database, a real server on it, and one
 * Chromium, started before the file's tests and closed after. Call inside `describe`.
 */
export function withBrowserAndServer(env: Record<string, string> = {}) {
  let db: TestDatabase;
  let server: TestServer;
  let chromium: Awaited<ReturnType<typeof launchBrowser>>;
  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, ...env });
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    await db?.drop();
  });
  return {
    get server() {
      return server;
    },
    get chromium() {
      return chromium;
    },
  };
}
