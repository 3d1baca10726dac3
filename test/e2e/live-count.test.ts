import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from '../support/browser.ts';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import type { LiveCounts } from '../../src/web/live-counts.ts';

describe('the count moves on an open page (Chromium)', () => {
  let db: TestDatabase;
  let server: TestServer;
  let chromium: Awaited<ReturnType<typeof launchBrowser>>;
  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    await db?.drop();
  });

  test('Lena watches the page while others sign through the API: the count and the bar move, politely announced, with no reload', { timeout: 60_000 }, async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Light up the park', goal: 10 });
    const { page } = await chromium.sandbox();
    await page.goto(`${server.address}/petitions/${slug}`);
    const count = page.locator('[data-live-count]');
    assert.equal(await count.textContent(), '0');
    assert.equal(await page.locator('.count').getAttribute('aria-live'), 'polite');
    let loads = 0;
    page.on('load', () => loads++);
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/live')));

    for (let i = 0; i < 3; i++) await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Neighbour', email: `n${i}@example.org` });
    await page.waitForFunction(() => document.querySelector('[data-live-count]')?.textContent === '3', undefined, { timeout: 5000 });
    assert.equal(await page.locator('.count-box progress').evaluate((p: HTMLProgressElement) => p.value), 3);
    assert.equal(loads, 0, 'no reload');
  });

  test('when the server has no room for another stream (503), the page polls the count instead', { timeout: 60_000 }, async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Full house', goal: 10 });
    const hub = (server.app as unknown as { liveCounts: LiveCounts }).liveCounts;
    const cap = hub.maxViewers;
    hub.maxViewers = 0;
    try {
      const { page } = await chromium.sandbox();
      const refused = page.waitForResponse((r) => r.url().endsWith(`/petitions/${slug}/live`));
      await page.goto(`${server.address}/petitions/${slug}`);
      assert.equal((await refused).status(), 503);
      await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Neighbour', email: 'poll@example.org' });
      // The script polls every 10 seconds.
      await page.waitForFunction(() => document.querySelector('[data-live-count]')?.textContent === '1', undefined, { timeout: 25_000 });
      assert.ok(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/count'))));
    } finally {
      hub.maxViewers = cap;
    }
  });

  test('when this reader already holds all the streams one address may (429), the page polls the count instead', { timeout: 60_000 }, async () => {
    const { slug } = await createPetitionViaApi(server, { title: 'Too many tabs', goal: 10 });
    const hub = (server.app as unknown as { liveCounts: LiveCounts }).liveCounts;
    const cap = hub.maxPerClient;
    hub.maxPerClient = 0;
    try {
      const { page } = await chromium.sandbox();
      const refused = page.waitForResponse((r) => r.url().endsWith(`/petitions/${slug}/live`));
      await page.goto(`${server.address}/petitions/${slug}`);
      assert.equal((await refused).status(), 429);
      await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Neighbour', email: 'tabs@example.org' });
      await page.waitForFunction(() => document.querySelector('[data-live-count]')?.textContent === '1', undefined, { timeout: 25_000 });
    } finally {
      hub.maxPerClient = cap;
    }
  });
});
