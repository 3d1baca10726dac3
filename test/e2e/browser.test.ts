import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContextOptions, Locator, Page, Response } from 'playwright-core';
import { launchBrowser, loads, SCREENSHOTS, SCREENSHOT_WIDTHS, WAIT } from '../support/browser.ts';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

/*
 * Browser journeys through Debian's Chromium (never a downloaded browser), against a real server on
 * loopback with a temporary SQLite database and no SMTP_URL, so mail lands in the development outbox.
 * Every request for a non-loopback host (map tiles) is answered by a local stub: nothing leaves the machine.
 */

const TEST_TIMEOUT = 60_000;

describe('petition pages in a real browser (Chromium, SQLite, development outbox)', () => {
  let db: TestDatabase;
  let server: TestServer;
  let chromium: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url });
    assert.equal(server.config.smtpUrl, null, 'no SMTP: mail goes to the development outbox');
    chromium = await launchBrowser();
  });

  after(async () => {
    await chromium?.close();
    await server?.close();
    await db?.drop();
  });

  const sandbox = (options?: BrowserContextOptions) => chromium.sandbox(options);

  /** Submits the sign form and returns the POST's own response (422 re-render, or the 303 redirect). */
  async function submitSignForm(page: Page): Promise<Response> {
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && /\/petitions\/[^/]+\/signatures$/.test(new URL(r.url()).pathname));
    await loads(page, () => page.locator('form.sign-form button[type="submit"]').click());
    return answered;
  }

  const text = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  async function screenshots(page: Page, name: string): Promise<void> {
    for (const width of SCREENSHOT_WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      // Let layout (and Leaflet, which listens to resize) settle before the picture.
      await page.waitForTimeout(250);
      const [scrollWidth, clientWidth] = await page.locator('html').evaluate((html) => [html.scrollWidth, html.clientWidth]);
      assert.ok(scrollWidth! <= clientWidth!, `${name} at ${width} px scrolls sideways (${scrollWidth} > ${clientWidth})`);
      await page.screenshot({ path: `${SCREENSHOTS}${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  /** The confirmation links of the outbox's mails to these addresses, waiting until all have arrived. */
  async function confirmationLinksFor(addresses: string[]): Promise<Map<string, string>> {
    const deadline = Date.now() + WAIT;
    for (;;) {
      const res = await server.request('/dev/outbox.json');
      assert.equal(res.status, 200);
      const mails = (await res.json()) as Array<{ to: string; subject: string; text: string }>;
      const links = new Map<string, string>();
      for (const mail of mails) {
        if (!addresses.includes(mail.to)) continue;
        const found = mail.text.match(/https?:\/\/\S+\/signatures\/confirm\/\S+/g) ?? [];
        assert.equal(found.length, 1, `one confirmation link in the mail to ${mail.to}`);
        links.set(mail.to, found[0]!);
      }
      if (links.size === addresses.length) return links;
      if (Date.now() > deadline) throw new Error(`only ${links.size} of ${addresses.length} confirmation mails reached the outbox`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('Ada, with JavaScript off, corrects her mistakes, signs, confirms from the outbox, and sees the count reach 10', { timeout: TEST_TIMEOUT }, async () => {
    const petition = await createPetitionViaApi(server, {
      kind: 'petition',
      title: 'Keep Cambridge libraries open on Sundays',
      target: 'Cambridgeshire County Council',
      body: 'Open every branch library on Sundays from 10:00 to 16:00.',
      why: 'Sunday is the only free day for many students and working parents.',
      category: 'education',
      location: 'Cambridge, UK',
    });
    const petitionPath = `/petitions/${petition.slug}`;
    const { page, external } = await sandbox({ javaScriptEnabled: false });

    // The page, as a reader without JavaScript sees it.
    const first = await page.goto(`${server.address}${petitionPath}`);
    assert.equal(first?.status(), 200);
    assert.equal(await text(page.locator('.petition .target')), 'To: Cambridgeshire County Council');
    assert.equal(await text(page.locator('h1')), 'Keep Cambridge libraries open on Sundays');
    assert.equal(await page.getByRole('heading', { level: 2, name: 'Why is this important?' }).count(), 1);
    assert.match(await text(page.locator('.petition-text')), /Sunday is the only free day/);
    assert.equal(await text(page.locator('[data-live-count]')), '0');
    assert.deepEqual(await page.locator('.facts dt').allTextContents(), ['Category', 'Location', 'Started']);
    assert.deepEqual((await page.locator('.facts dd').allTextContents()).slice(0, 2), ['Education', 'Cambridge, United Kingdom']);
    // Without JavaScript the map stays hidden and the place is given in words with a link.
    assert.equal(await page.locator('#map').isVisible(), false);
    assert.match(await text(page.locator('.map-fallback')), /^Cambridge, United Kingdom \(52\.200, 0\.117\): view on OpenStreetMap$/);
    assert.equal(await page.getByRole('heading', { name: 'Sign this petition' }).count(), 1);

    // 1. Nothing filled in: every problem is listed, each field says its own, nothing is counted.
    let answer = await submitSignForm(page);
    assert.equal(answer.status(), 422);
    const summary = page.locator('.error-summary[role="alert"]');
    await summary.waitFor();
    assert.equal(await text(summary.locator('h3')), 'There is a problem');
    assert.deepEqual(await summary.locator('li a').allTextContents(), ['Enter your name.', 'Enter your email address.']);
    assert.deepEqual(await summary.locator('li a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#field-name', '#field-email']);
    assert.equal(await text(page.locator('#error-name')), 'Enter your name.');
    assert.equal(await text(page.locator('#error-email')), 'Enter your email address.');
    assert.equal(await page.locator('#field-name').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#field-email').getAttribute('aria-describedby'), 'hint-email error-email');
    assert.equal(await page.locator('#field-postcode').getAttribute('aria-invalid'), null);
    // The re-rendered page is the whole petition page, not a bare form.
    assert.equal(await text(page.locator('h1')), 'Keep Cambridge libraries open on Sundays');
    assert.equal(await text(page.locator('[data-live-count]')), '0');
    await screenshots(page, 'petition-no-js-errors');

    // 2. Half right: what was typed is kept, only the wrong field is flagged.
    await page.locator('#field-name').fill('Ada Lovelace');
    await page.locator('#field-email').fill('ada-at-example.org');
    await page.locator('#field-postcode').fill('CB2 1TN');
    await page.locator('#field-consent').check();
    answer = await submitSignForm(page);
    assert.equal(answer.status(), 422);
    await summary.waitFor();
    assert.deepEqual(await summary.locator('li a').allTextContents(), ['Enter an email address like name@example.com.']);
    assert.equal(await page.locator('#error-name').count(), 0);
    assert.equal(await page.locator('#field-name').getAttribute('aria-invalid'), null);
    assert.equal(await text(page.locator('#error-email')), 'Enter an email address like name@example.com.');
    assert.equal(await page.locator('#field-name').inputValue(), 'Ada Lovelace');
    assert.equal(await page.locator('#field-email').inputValue(), 'ada-at-example.org');
    assert.equal(await page.locator('#field-postcode').inputValue(), 'CB2 1TN');
    assert.equal(await page.locator('#field-consent').isChecked(), true);

    // 3. All right: the next page says to check the inbox.
    await page.locator('#field-email').fill('ada@example.org');
    answer = await submitSignForm(page);
    assert.equal(answer.status(), 303);
    assert.equal(new URL(page.url()).pathname, `${petitionPath}/check-your-email`);
    assert.equal(await text(page.locator('h1')), 'Check your email');
    assert.match(await text(page.locator('main')), /confirm your signature on “Keep Cambridge libraries open on Sundays”/);

    // 4. The mail, read in the development outbox; its link confirms.
    const deadline = Date.now() + WAIT;
    const row = page.locator('table.outbox tbody tr').filter({ has: page.locator('td', { hasText: /^ada@example\.org$/ }) });
    for (;;) {
      await page.goto(`${server.address}/dev/outbox`);
      if ((await row.count()) > 0 || Date.now() > deadline) break;
      await page.waitForTimeout(100);
    }
    assert.equal(await row.count(), 1, 'one mail to ada@example.org in the outbox');
    const subject = row.locator('a');
    assert.equal(await text(subject), 'Please confirm your signature: Keep Cambridge libraries open on Sundays');
    await loads(page, () => subject.click());
    assert.match(new URL(page.url()).pathname, /^\/dev\/outbox\/\d+$/);
    const links = page.locator('.mail-text a');
    assert.equal(await links.count(), 1, 'the mail holds one link');
    assert.match((await links.getAttribute('href')) ?? '', new RegExp(`^${server.address}/signatures/confirm/[0-9a-z]{8}\\.[A-Za-z0-9_-]{43}$`));
    const confirmUrl = (await links.getAttribute('href'))!;
    await loads(page, () => links.click());
    assert.equal(page.url(), confirmUrl);
    assert.equal(await text(page.locator('h1')), 'Thank you for signing');
    assert.match(await text(page.locator('main')), /Your signature on “Keep Cambridge libraries open on Sundays” is confirmed and counted/);

    // 5. Back on the petition, her signature counts.
    await loads(page, () => page.getByRole('link', { name: 'See the petition and its count' }).click());
    assert.equal(new URL(page.url()).pathname, petitionPath);
    assert.equal(await text(page.locator('[data-live-count]')), '1');
    assert.equal(await text(page.locator('.updates > p')), 'No updates yet.');

    // 6. Nine friends sign through the API and confirm: the tenth signature is a milestone, recorded once.
    const friends = Array.from({ length: 9 }, (_, i) => `friend-${i + 1}@example.org`);
    const answers = await Promise.all(friends.map((email, i) => server.postJson(`/api/v1/petitions/${petition.slug}/signatures`, { name: `Friend ${i + 1}`, email })));
    assert.deepEqual(answers.map((r) => r.status), friends.map(() => 202));
    const friendLinks = await confirmationLinksFor(friends);
    const confirmations = await Promise.all([...friendLinks.values()].map((link) => fetch(link)));
    assert.deepEqual(confirmations.map((r) => r.status), friends.map(() => 200));
    // Following a link again (a second click, a mail scanner) counts nothing more.
    assert.equal((await fetch(confirmUrl)).status, 200);
    assert.equal((await fetch(friendLinks.get('friend-1@example.org')!)).status, 200);

    await page.reload();
    assert.equal(await text(page.locator('[data-live-count]')), '10');
    const milestones = page.locator('.updates .timeline li.update-milestone');
    assert.equal(await milestones.count(), 1);
    assert.equal(await text(milestones.locator('p')), '10 signatures reached');
    assert.equal((await text(page.locator('.updates'))).split('10 signatures reached').length - 1, 1, '"10 signatures reached" appears exactly once');
    await screenshots(page, 'petition-no-js-10-signatures');

    assert.deepEqual(external, [], 'without JavaScript the page asks nothing of other hosts');
  });

  test('Tom, with JavaScript on, reads the page without errors, sees the map with its marker, and finds the skip link first', { timeout: TEST_TIMEOUT }, async () => {
    const petition = await createPetitionViaApi(server, {
      kind: 'pledge',
      title: 'Cycle to work once a week',
      target: 'Cambridge commuters',
      body: 'Pledge to cycle to work at least once a week this spring.',
      why: 'Cleaner air and quieter streets for everyone.',
      category: 'transport',
      location: 'Cambridge, UK',
    });
    const { page, external } = await sandbox();

    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || /content security policy/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
    await page.addInitScript(() => {
      const seen: string[] = [];
      (globalThis as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} blocked ${e.blockedURI}`));
    });

    const res = await page.goto(`${server.address}/petitions/${petition.slug}`);
    assert.equal(res?.status(), 200);
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/, 'the page is served under a CSP');
    await page.waitForLoadState('load');
    assert.equal(await text(page.locator('h1')), 'Cycle to work once a week');
    assert.equal(await page.getByRole('heading', { name: 'Take the pledge' }).count(), 1);

    // The map replaces the hidden container: visible, with tiles (stubbed) and the place's marker.
    const map = page.locator('#map');
    await map.waitFor({ state: 'visible' });
    assert.ok(await map.evaluate((el) => el.classList.contains('leaflet-container')), 'Leaflet took the container');
    const box = await map.boundingBox();
    assert.ok(box && box.width > 200 && box.height > 200, `the map has a size (${JSON.stringify(box)})`);
    const marker = map.locator('.leaflet-overlay-pane path.leaflet-interactive');
    await marker.waitFor({ state: 'visible' });
    assert.equal(await marker.count(), 1, 'one marker');
    await map.locator('img.leaflet-tile-loaded').first().waitFor({ state: 'attached' });
    assert.ok(external.length > 0, 'tiles were asked for');
    for (const url of external) assert.equal(new URL(url).origin, 'https://tile.openstreetmap.org', `only tiles leave the page: ${url}`);
    await marker.hover();
    const tooltip = page.locator('.leaflet-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    assert.equal(await text(tooltip), 'Cambridge, United Kingdom');
    await page.mouse.move(0, 0);

    // The skip link is the first stop of the keyboard, visible when focused, and leads to the main content.
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    assert.equal(await focused.count(), 1);
    assert.equal(await text(focused), 'Skip to main content');
    assert.equal(await focused.getAttribute('href'), '#main');
    const skipBox = await focused.boundingBox();
    assert.ok(skipBox && skipBox.x >= 0 && skipBox.y >= 0, `the focused skip link is on screen (${JSON.stringify(skipBox)})`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur()); // no focus ring in the pictures

    await screenshots(page, 'petition-js');
    // Let any late script error, blocked resource or violation surface before judging.
    await page.waitForTimeout(300);
    const violations = await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations);
    assert.deepEqual(violations, [], 'no CSP violations');
    assert.deepEqual(problems, [], 'no console errors, page errors or failed requests');
  });
});
