import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../support/browser.ts';
import { startTestServer, createPetitionViaApi, freePort, type TestServer } from '../support/server.ts';
import { sqliteDatabase } from '../support/engines.ts';
import type { LiveCounts } from '../../src/web/live-counts.ts';

describe('the live count across a restart (Chromium)', () => {
  const db = sqliteDatabase();
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
    await db.drop();
  });

  test('Lena keeps the page open while the server restarts: told to reconnect, the page streams from the new process, without polling or a reload', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const env = { DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none', PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` };
    const first = await startTestServer(env);
    servers.push(first);
    const { slug } = await createPetitionViaApi(first, { title: 'Keep the lights on', goal: 10 });
    const chromium = await launchBrowser();
    try {
      const { page } = await chromium.sandbox();
      let loads = 0;
      page.on('load', () => loads++);
      await page.goto(`${first.address}/petitions/${slug}`);
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/live')));
      loads = 0;

      // The first process stops (its streams end with the reconnect event); the next one takes the port.
      await first.close();
      const second = await startTestServer(env);
      servers.push(second);
      const hub = (second.app as unknown as { liveCounts: LiveCounts }).liveCounts;
      for (const deadline = Date.now() + 15_000; hub.viewerCount === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
      assert.equal(hub.viewerCount, 1, 'the page opened a stream to the new process');
      await second.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Neighbour', email: 'after-restart@example.org' });
      // Polling would take 10 s: the stream carries it at once.
      await page.waitForFunction(() => document.querySelector('[data-live-count]')?.textContent === '1', undefined, { timeout: 5000 });
      assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/count'))), false, 'the page did not fall back to polling');
      assert.equal(loads, 0, 'no reload');
    } finally {
      await chromium.close();
    }
  });
});
