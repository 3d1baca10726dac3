import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { launchBrowser, SCREENSHOTS } from '../support/browser.ts';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

/**
 * Another site: a real server on loopback under the name `localhost`, so another origin and site than
 * the app's 127.0.0.1 (Chromium refuses loopback frames in pages from public addresses or stubs).
 */
async function startBlog(html: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://localhost:${(server.address() as { port: number }).port}/`, server };
}

describe('the widget on another site (Chromium)', () => {
  let db: TestDatabase;
  let server: TestServer;
  let chromium: Awaited<ReturnType<typeof launchBrowser>>;
  let blog: { url: string; server: Server };
  let blogPage = '';
  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
    chromium = await launchBrowser();
    blog = await startBlog(() => blogPage);
  });
  after(async () => {
    blog?.server.close();
    await chromium?.close();
    await server?.close();
    await db?.drop();
  });

  test('Amara pastes the snippet into her blog: the widget shows, fits, and opens the petition; the petition page itself refuses to be framed', { timeout: 60_000 }, async () => {
    // The longest title and target a petition may have: the snippet's 320 × 230 box must still hold the widget.
    const title = `Keep the library open ${'every evening and '.repeat(7)}on Sundays`.slice(0, 150);
    const target = `The Leader of the Council ${'and the Cabinet Member for Culture '.repeat(4)}`.slice(0, 150);
    const { slug } = await createPetitionViaApi(server, { title, target, goal: 100 });
    await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'A', email: 'a@example.org' });
    const petitionPage = await (await server.request(`/petitions/${slug}`)).text();
    const escaped = /<textarea id="embed-code"[^>]*>([^<]+)<\/textarea>/.exec(petitionPage)![1]!;
    const snippet = escaped.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
    // Her page holds our snippet and, for contrast, a frame of the petition page itself.
    blogPage = `<!doctype html><title>Amara's blog</title><h1>Please sign</h1>${snippet}<iframe src="${server.address}/petitions/${slug}"></iframe>`;

    const { page } = await chromium.sandbox();
    await page.goto(blog.url);
    const widget = page.frameLocator('iframe[src$="/embed"]');
    await widget.locator('h1').waitFor();
    assert.equal((await widget.locator('h1').textContent())?.trim(), title);
    assert.match((await widget.locator('.embed-count').textContent()) ?? '', /1 signature of 100/);
    const link = widget.getByRole('link', { name: /Sign on Undersign/ });
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('href'), `${server.config.baseUrl}/petitions/${slug}#sign-heading`);
    const frame = page.frames().find((f) => f.url().endsWith('/embed'))!;
    const overflow = await frame.evaluate(() => document.documentElement.scrollHeight - document.documentElement.clientHeight);
    assert.ok(overflow <= 0, `the widget needs ${overflow}px more than the snippet gives it`);

    // The petition page says frame-ancestors 'none': Chromium shows nothing of it inside the blog.
    const whole = page.frames().find((f) => f !== page.mainFrame() && f !== frame)!;
    assert.ok(!whole.url().startsWith(server.address), `the petition page loaded in a frame: ${whole.url()}`);
    await page.screenshot({ path: `${SCREENSHOTS}embed-on-another-site.png` });
  });
});
