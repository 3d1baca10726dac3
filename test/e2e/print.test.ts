import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, SCREENSHOTS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

describe('a petition printed for a stall (Chromium)', () => {
  let db: TestDatabase;
  let server: TestServer;
  let chromium: Awaited<ReturnType<typeof launchBrowser>>;
  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, DEMO: '1' });
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    await db?.drop();
  });

  test('is one A4 page with the text, the count and a QR code to sign, without the form, map or menus', { timeout: 60_000 }, async () => {
    const { page } = await chromium.sandbox();
    await page.goto(`${server.address}/petitions/no-campus-recruiting-for-surveillance-contractors-university-of-leeds`);
    assert.equal(await page.locator('.print-handout').isVisible(), false, 'on screen the handout block is hidden');

    await page.emulateMedia({ media: 'print' });
    const qr = page.locator('.print-handout img');
    await qr.waitFor({ state: 'visible' });
    await page.waitForFunction(() => (document.querySelector('.print-handout img') as HTMLImageElement | null)?.complete === true);
    assert.ok((await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 'the QR code loaded');
    for (const hidden of ['.sign-form', '.site-header nav', '.map-section', '.updates', '.share']) assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is not printed`);
    assert.match((await page.locator('.print-handout').textContent()) ?? '', /Scan to pledge, or go to http:\/\/127\.0\.0\.1:\d+\/petitions\/no-campus/);

    const pdf = await page.pdf({ format: 'A4', path: `${SCREENSHOTS}petition-handout.pdf` });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    assert.equal(pages.length, 1, 'one page');
  });
});
