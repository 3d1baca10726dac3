import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContextOptions, Locator, Page, Response } from 'playwright-core';
import { launchBrowser, loads, SCREENSHOTS, SCREENSHOT_WIDTHS, WAIT } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

/*
 * An organiser's journeys through Debian's Chromium (never a downloaded browser), against a real server
 * on loopback with a temporary SQLite database and no SMTP_URL, so mail lands in the development outbox.
 * Every request for a non-loopback host is answered by a local stub: nothing leaves the machine.
 */

const TEST_TIMEOUT = 90_000;
/** Update and victory mail is made by a background job that ticks every second: allow several ticks. */
const MAIL_WAIT = 10_000;

interface OutboxMail {
  id: number;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
  sentAt: string | null;
}

describe('an organiser in a real browser (Chromium, SQLite, development outbox)', () => {
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

  /** Clicks a form's submit button and returns the POST's own response (a re-render, or the 303 redirect). */
  async function submit(page: Page, form: Locator, pathname: RegExp | string): Promise<Response> {
    const matches = (url: string) => (typeof pathname === 'string' ? new URL(url).pathname === pathname : pathname.test(new URL(url).pathname));
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && matches(r.url()));
    await loads(page, () => form.locator('button[type="submit"]').click());
    return answered;
  }

  const text = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  async function screenshots(page: Page, name: string): Promise<void> {
    for (const width of SCREENSHOT_WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(250); // let layout settle before the picture
      const [scrollWidth, clientWidth] = await page.locator('html').evaluate((html) => [html.scrollWidth, html.clientWidth]);
      assert.ok(scrollWidth! <= clientWidth!, `${name} at ${width} px scrolls sideways (${scrollWidth} > ${clientWidth})`);
      await page.screenshot({ path: `${SCREENSHOTS}${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function outbox(): Promise<OutboxMail[]> {
    const res = await server.request('/dev/outbox.json');
    assert.equal(res.status, 200);
    return (await res.json()) as OutboxMail[];
  }

  /** Polls the outbox until `ready` holds for the mails that match, and returns those mails. */
  async function mailsWhere(match: (m: OutboxMail) => boolean, ready: (found: OutboxMail[]) => boolean, what: string, timeout = WAIT): Promise<OutboxMail[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = (await outbox()).filter(match);
      if (ready(found)) return found;
      if (Date.now() > deadline) throw new Error(`${what}: not in the outbox within ${timeout} ms (found ${found.length})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The only link in a mail's text that contains `part`. */
  function linkIn(mail: OutboxMail, part: string): string {
    const links = (mail.text.match(/https?:\/\/\S+/g) ?? []).filter((l) => l.includes(part));
    assert.equal(links.length, 1, `one ${part} link in the mail “${mail.subject}” to ${mail.to}`);
    return links[0]!;
  }

  /** Collects console errors, page errors, failed requests, error responses and CSP violations. */
  async function watchForProblems(page: Page): Promise<() => Promise<{ problems: string[]; violations: string[] }>> {
    const problems: string[] = [];
    // The start form's deliberate 422 (a form with mistakes) is the one expected error status; Chromium
    // also logs it to the console as a failed resource load.
    const expected422 = (url: string): boolean => {
      try {
        return new URL(url).pathname === '/petitions/new';
      } catch {
        return false;
      }
    };
    page.on('console', (message) => {
      if (message.type() === 'error' && /status of 422/.test(message.text()) && expected422(message.location().url)) return;
      if (message.type() === 'error' || /content security policy/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      const expected = response.status() === 422 && response.request().method() === 'POST' && expected422(response.url());
      if (response.status() >= 400 && !expected) problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
    // Violations are reported from every document the page loads, through a binding that outlives navigations.
    const violations: string[] = [];
    await page.exposeFunction('__reportCspViolation', (line: string) => violations.push(line));
    await page.addInitScript(() => {
      const report = (globalThis as unknown as { __reportCspViolation: (line: string) => void }).__reportCspViolation;
      document.addEventListener('securitypolicyviolation', (e) => report(`${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI}`));
    });
    return async () => {
      await page.waitForTimeout(300); // let any late script error, blocked resource or violation surface
      return { problems, violations };
    };
  }

  /** Starts a petition through the browser's start form and confirms it from the outbox; leaves the page on its manage page. */
  async function startConfirmed(page: Page, title: string, email: string): Promise<string> {
    await page.goto(`${server.address}/petitions/new`);
    const form = page.locator('form[action="/petitions/new"]');
    const fields = { target: 'Leeds City Council', title, body: 'Please do the thing.', why: 'Because it matters.', organiserName: 'Nadia Hussain', organiserEmail: email };
    for (const [name, value] of Object.entries(fields)) await page.locator(`#field-${name}`).fill(value);
    assert.equal((await submit(page, form, '/petitions/new')).status(), 303);
    const [mail] = await mailsWhere((m) => m.to === email && m.subject === `Confirm your petition: ${title}`, (found) => found.length === 1, `the confirmation mail for “${title}”`);
    await page.goto(linkIn(mail!, '/auth/'));
    await loads(page, () => page.getByRole('button', { name: 'Continue' }).click());
    const match = /^\/petitions\/([a-z0-9-]+)\/manage$/.exec(new URL(page.url()).pathname);
    assert.ok(match, `lands on a manage page (${page.url()})`);
    return `/petitions/${match[1]}`;
  }

  test('Nadia, with JavaScript off, starts a pledge, confirms it from the outbox, posts an update and declares victory', { timeout: TEST_TIMEOUT }, async () => {
    const { page, external } = await sandbox({ javaScriptEnabled: false });

    // From the home page, the site's navigation leads to the start form.
    await page.goto(`${server.address}/`);
    await loads(page, () => page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Start a petition' }).click());
    assert.equal(new URL(page.url()).pathname, '/petitions/new');
    assert.equal(await text(page.locator('h1')), 'Start a petition or pledge');
    const form = page.locator('form[action="/petitions/new"]');
    assert.equal(await form.count(), 1);
    assert.equal(await page.locator('#field-kind-petition').isChecked(), true, 'a petition is the default');

    // 1. Mistakes: no target, a place that does not exist, a malformed email address.
    await page.locator('#field-kind-pledge').check();
    await page.locator('#field-title').fill('Walk to school on Fridays');
    await page.locator('#field-body').fill('We pledge to walk our children to school every Friday.');
    await page.locator('#field-why').fill('Less traffic, cleaner air.\n\nSafer streets for everyone.');
    await page.locator('#field-location').fill('Qwxyzzyville, UK');
    await page.locator('#field-organiserName').fill('Nadia Hussain');
    await page.locator('#field-organiserEmail').fill('nadia-at-example.org');
    let answer = await submit(page, form, '/petitions/new');
    assert.equal(answer.status(), 422);

    const summary = page.locator('.error-summary[role="alert"]');
    await summary.waitFor();
    assert.equal(await text(summary.locator('h2')), 'There is a problem');
    const placeMessage = 'We could not find “Qwxyzzyville, UK” on the map. Check the spelling, add the country (“Cambridge, UK”), or tick “Save it without a map”.';
    assert.deepEqual(await summary.locator('li a').allTextContents(), ['Enter who it is addressed to.', placeMessage, 'Enter an email address like name@example.com.']);
    assert.deepEqual(await summary.locator('li a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#field-target', '#field-location', '#field-organiserEmail']);
    // Each field says its own problem, tied to the control for screen readers.
    assert.equal(await text(page.locator('#error-target')), 'Enter who it is addressed to.');
    assert.equal(await text(page.locator('#error-location')), placeMessage);
    assert.equal(await text(page.locator('#error-organiserEmail')), 'Enter an email address like name@example.com.');
    assert.equal(await page.locator('#field-target').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#field-target').getAttribute('aria-describedby'), 'hint-target error-target');
    assert.equal(await page.locator('#field-title').getAttribute('aria-invalid'), null);
    assert.equal(await page.locator('.field-error').count(), 3);
    // What she typed is kept, including her choice of a pledge and the paragraphs of her text.
    assert.equal(await page.locator('#field-kind-pledge').isChecked(), true);
    assert.equal(await page.locator('#field-title').inputValue(), 'Walk to school on Fridays');
    assert.equal(await page.locator('#field-body').inputValue(), 'We pledge to walk our children to school every Friday.');
    assert.equal(await page.locator('#field-why').inputValue(), 'Less traffic, cleaner air.\n\nSafer streets for everyone.');
    assert.equal(await page.locator('#field-location').inputValue(), 'Qwxyzzyville, UK');
    assert.equal(await page.locator('#field-organiserName').inputValue(), 'Nadia Hussain');
    assert.equal(await page.locator('#field-organiserEmail').inputValue(), 'nadia-at-example.org');
    await screenshots(page, 'organiser-start-form-errors');

    // The summary's links lead to their fields (in-page links work without JavaScript).
    await summary.getByRole('link', { name: 'Enter who it is addressed to.' }).click();
    await page.waitForURL(/#field-target$/);

    // 2. Corrected: a target, a real place, a category, a valid address.
    await page.locator('#field-target').fill('Head teachers of Leeds');
    await page.locator('#field-location').fill('Leeds, UK');
    await page.locator('#field-category').selectOption({ label: 'Transport' });
    await page.locator('#field-organiserEmail').fill('nadia@example.org');
    assert.equal(await page.locator('#field-kind-pledge').isChecked(), true);
    answer = await submit(page, form, '/petitions/new');
    assert.equal(answer.status(), 303, 'post, redirect, get');
    assert.equal(await text(page.locator('h1')), 'Check your email');
    assert.match(await text(page.locator('main')), /We have emailed you a link to confirm your pledge/);
    await loads(page, () => page.reload());
    assert.equal(await text(page.locator('h1')), 'Check your email', 'a reload shows the same answer and starts nothing');

    // 3. The confirmation mail, read in the development outbox; its link leads to a Continue button.
    const subject = 'Confirm your petition: Walk to school on Fridays';
    const row = page.locator('table.outbox tbody tr').filter({ has: page.locator('td', { hasText: /^nadia@example\.org$/ }) }).filter({ hasText: subject });
    const deadline = Date.now() + WAIT;
    for (;;) {
      await page.goto(`${server.address}/dev/outbox`);
      if ((await row.count()) > 0 || Date.now() > deadline) break;
      await page.waitForTimeout(100);
    }
    assert.equal(await row.count(), 1, 'one confirmation mail to nadia@example.org in the outbox');
    await loads(page, () => row.getByRole('link', { name: subject }).click());
    assert.equal(await text(page.locator('h1')), subject);
    const mailLinks = page.locator('.mail-text a');
    assert.equal(await mailLinks.count(), 1, 'the mail holds one link');
    assert.match((await mailLinks.getAttribute('href')) ?? '', new RegExp(`^${server.address}/auth/[A-Za-z0-9_-]{20,}$`));
    await loads(page, () => mailLinks.click());
    assert.equal(await text(page.locator('h1')), 'Continue to Undersign');
    await loads(page, () => page.getByRole('button', { name: 'Continue' }).click());

    // 4. The manage page: confirmed, open, unlisted until reviewed.
    const managePath = new URL(page.url()).pathname;
    const match = /^\/petitions\/([a-z0-9-]+)\/manage$/.exec(managePath);
    assert.ok(match, `lands on a manage page (${page.url()})`);
    assert.equal(new URL(page.url()).search, '?done=confirmed');
    const slug = match[1]!;
    const petitionPath = `/petitions/${slug}`;
    assert.equal(await text(page.locator('h1')), 'Manage “Walk to school on Fridays”');
    assert.equal(await text(page.locator('.notice[role="status"]')), 'Your email address is confirmed.');
    assert.match(await text(page.locator('main')), /Open: anyone with the link can sign\. .*0 pledges, goal/);
    await screenshots(page, 'organiser-manage');

    // 5. The public page shows her pledge, with its words, category and place, and a Pledge button.
    await loads(page, () => page.getByRole('link', { name: 'See the public page' }).click());
    assert.equal(new URL(page.url()).pathname, petitionPath);
    assert.equal(await text(page.locator('.petition .target')), 'To: Head teachers of Leeds');
    assert.equal(await text(page.locator('h1')), 'Walk to school on Fridays');
    assert.deepEqual(await page.locator('.petition-text > p:not([class])').allTextContents(), ['We pledge to walk our children to school every Friday.', 'Less traffic, cleaner air.', 'Safer streets for everyone.'], 'the body, then both paragraphs of “why”');
    assert.deepEqual((await page.locator('.facts dd').allTextContents()).slice(0, 2), ['Transport', 'Leeds, United Kingdom']);
    assert.match(await text(page.locator('.map-fallback')), /^Leeds, United Kingdom \(53\.\d{3}, -1\.\d{3}\): view on OpenStreetMap$/);
    assert.equal(await page.getByRole('heading', { name: 'Take the pledge' }).count(), 1);
    assert.equal(await text(page.locator('form.sign-form button[type="submit"]')), 'Pledge');
    assert.equal(await text(page.locator('[data-live-count]')), '0');
    assert.equal(await text(page.locator('.updates > p')), 'No updates yet.');

    // 6. Two people pledge through the JSON API, one asking for updates, and both confirm.
    const signers = [
      { name: 'Keen Walker', email: 'keen@example.org', consent: true },
      { name: 'Quiet Walker', email: 'quiet@example.org', consent: false },
    ];
    for (const signer of signers) {
      const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, signer);
      assert.equal(res.status, 202, `${signer.email}: ${await res.clone().text()}`);
    }
    const confirmations = await mailsWhere(
      (m) => signers.some((s) => s.email === m.to) && /\/signatures\/confirm\//.test(m.text),
      (found) => found.length === signers.length,
      'the two confirmation mails',
    );
    for (const mail of confirmations) {
      assert.match(mail.subject, /Walk to school on Fridays/);
      assert.equal((await fetch(linkIn(mail, '/signatures/confirm/'))).status, 200, `${mail.to} confirms`);
    }
    await page.reload();
    assert.equal(await text(page.locator('[data-live-count]')), '2');

    // 7. From the manage page she posts an update with a link.
    await page.goto(`${server.address}${managePath}`);
    assert.match(await text(page.locator('main')), /2 pledges, goal/);
    assert.ok(!(await page.content()).includes('keen@example.org'), 'organisers never see signers’ addresses');
    const updateForm = page.locator(`form[action="${petitionPath}/manage/updates"]`);
    await updateForm.locator('textarea[name="text"]').fill('The council will discuss it on Monday.');
    await updateForm.locator('input[name="url"]').fill('https://example.org/agenda');
    answer = await submit(page, updateForm, `${petitionPath}/manage/updates`);
    assert.equal(answer.status(), 303);
    assert.equal(new URL(page.url()).pathname, managePath);
    assert.equal(await text(page.locator('.notice[role="status"]')), 'Your update is posted. It is being emailed to people who asked for updates.');

    // The public timeline shows it, with its link.
    await loads(page, () => page.getByRole('link', { name: 'See the public page' }).click());
    const updates = page.locator('.updates .timeline > li');
    assert.equal(await updates.count(), 1);
    assert.equal(await updates.first().getAttribute('class'), 'update update-update');
    assert.equal(await text(updates.first().locator('p').first()), 'The council will discuss it on Monday.');
    const updateLink = updates.first().locator('a');
    assert.equal(await updateLink.getAttribute('href'), 'https://example.org/agenda');
    assert.equal(await text(updateLink), 'https://example.org/agenda');
    assert.match((await updateLink.getAttribute('rel')) ?? '', /nofollow/);

    // 8. The update mail reaches the signer who asked for updates, and only her. (The job writes one
    // chunk of recipients in one transaction, so once one mail is there, all of its siblings are too.)
    const updateSubject = 'Update: Walk to school on Fridays';
    const [updateMail] = await mailsWhere((m) => m.subject === updateSubject, (found) => found.length > 0, 'the update mail', MAIL_WAIT);
    assert.deepEqual((await outbox()).filter((m) => m.subject === updateSubject).map((m) => m.to), ['keen@example.org']);
    assert.match(updateMail!.text, /The council will discuss it on Monday\./);
    assert.match(updateMail!.text, /Read more: https:\/\/example\.org\/agenda/);
    assert.ok(updateMail!.text.includes(`${server.address}${petitionPath}`), 'the mail links to the petition');

    // 9. Its unsubscribe link, opened in the browser: a button, then a confirmation.
    const unsubscribeUrl = linkIn(updateMail!, '/unsubscribe/');
    await page.goto(unsubscribeUrl);
    assert.equal(await text(page.locator('h1')), 'Stop update emails?');
    answer = await submit(page, page.locator('main form'), new URL(unsubscribeUrl).pathname);
    assert.equal(answer.status(), 200);
    assert.equal(await text(page.locator('h1')), 'You will get no more emails');
    assert.match(await text(page.locator('main')), /Your signature still counts/);

    // 10. She declares victory.
    await page.goto(`${server.address}${managePath}`);
    const victoryForm = page.locator(`form[action="${petitionPath}/manage/victory"]`);
    await victoryForm.locator('textarea[name="text"]').fill('Every school in Leeds now has a Walk Friday!');
    answer = await submit(page, victoryForm, `${petitionPath}/manage/victory`);
    assert.equal(answer.status(), 303);
    assert.equal(await text(page.locator('.notice[role="status"]')), 'Victory declared: the message is on the page and on its way to people who asked for updates.');
    assert.match(await text(page.locator('main')), /Won\. Congratulations!/);
    assert.equal(await page.locator(`form[action="${petitionPath}/manage/victory"]`).count(), 0, 'victory cannot be declared twice');
    assert.equal(await page.locator(`form[action="${petitionPath}/manage/close"]`).count(), 0, 'a won pledge cannot be closed');

    // The public page: no sign form, the victory first in the timeline.
    await loads(page, () => page.getByRole('link', { name: 'See the public page' }).click());
    assert.equal(await page.locator('form.sign-form').count(), 0, 'no sign form on a won pledge');
    assert.equal(await page.locator('main form[method="post"]').count(), 0);
    assert.equal(await text(page.locator('.closed-notice')), 'This pledge is won and no longer takes pledges.');
    assert.equal(await updates.count(), 2);
    assert.equal(await updates.first().getAttribute('class'), 'update update-victory');
    assert.equal(await text(updates.first().locator('p').first()), 'Every school in Leeds now has a Walk Friday!');
    assert.equal(await text(updates.nth(1).locator('p').first()), 'The council will discuss it on Monday.');
    assert.equal(await text(page.locator('[data-live-count]')), '2');
    await screenshots(page, 'organiser-won-pledge');

    // Nobody is left who asked for updates: after a few job ticks, no victory mail has been written.
    await page.waitForTimeout(2_500);
    assert.deepEqual((await outbox()).filter((m) => m.subject.startsWith('Victory:')).map((m) => m.to), [], 'the unsubscribed signer gets no victory mail');
    assert.deepEqual((await outbox()).filter((m) => m.subject === updateSubject).map((m) => m.to), ['keen@example.org'], 'still one update mail, to the consenting signer');

    assert.deepEqual(external, [], 'without JavaScript no page asked anything of other hosts');
  });

  test('Nadia, with JavaScript on, starts a petition without errors, reaches it by keyboard, and her manage forms carry a CSRF token', { timeout: TEST_TIMEOUT }, async () => {
    const { page, external } = await sandbox();
    const report = await watchForProblems(page);

    const first = await page.goto(`${server.address}/petitions/new`);
    assert.equal(first?.status(), 200);
    assert.match(first?.headers()['content-security-policy'] ?? '', /script-src 'self'/, 'the page is served under a CSP');
    assert.match(first?.headers()['content-security-policy'] ?? '', /form-action 'self'/);
    await page.waitForLoadState('load');
    const form = page.locator('form[action="/petitions/new"]');

    // Keyboard: the skip link is the first stop; through it, the next Tab lands in the form's first field.
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    assert.equal(await text(focused), 'Skip to main content');
    const skipBox = await focused.boundingBox();
    assert.ok(skipBox && skipBox.x >= 0 && skipBox.y >= 0 && skipBox.width > 0, `the focused skip link is on screen (${JSON.stringify(skipBox)})`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-kind-petition', 'Tab from the main content reaches the first field (the checked kind radio)');
    const firstControl = await form.locator('input, select, textarea, button').first().getAttribute('id');
    assert.equal(firstControl, 'field-kind-petition');
    await page.keyboard.press('ArrowDown'); // arrow keys move within the radio group
    assert.equal(await page.locator('#field-kind-pledge').isChecked(), true);
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.locator('#field-kind-petition').isChecked(), true);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-target', 'the next Tab reaches the target');
    await page.keyboard.type('Leeds City Council');

    // A first try with a missing title and an unknown place.
    await page.locator('#field-body').fill('Light every path through Roundhay Park after dark.');
    await page.locator('#field-why').fill('People walk home through the park in winter.');
    await page.locator('#field-location').fill('Qwxyzzyville, UK');
    await page.locator('#field-organiserName').fill('Nadia Hussain');
    await page.locator('#field-organiserEmail').fill('nadia.js@example.org');
    let answer = await submit(page, form, '/petitions/new');
    assert.equal(answer.status(), 422);
    const summary = page.locator('.error-summary[role="alert"]');
    await summary.waitFor();
    assert.deepEqual(await summary.locator('li a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#field-location', '#field-title']);
    assert.equal(await page.locator('#field-target').inputValue(), 'Leeds City Council');

    // Corrected: a title, and the unknown place kept without a map.
    await page.locator('#field-title').fill('Light the paths in Roundhay Park');
    await page.getByLabel('Save it without a map if the place cannot be found').check();
    await page.locator('#field-category').selectOption({ label: 'Community' });
    answer = await submit(page, form, '/petitions/new');
    assert.equal(answer.status(), 303);
    assert.equal(await text(page.locator('h1')), 'Check your email');

    const [mail] = await mailsWhere((m) => m.to === 'nadia.js@example.org' && m.subject === 'Confirm your petition: Light the paths in Roundhay Park', (found) => found.length === 1, 'the confirmation mail');
    await page.goto(linkIn(mail!, '/auth/'));
    await loads(page, () => page.getByRole('button', { name: 'Continue' }).click());
    const match = /^\/petitions\/([a-z0-9-]+)\/manage$/.exec(new URL(page.url()).pathname);
    assert.ok(match, `lands on a manage page (${page.url()})`);
    assert.equal(await text(page.locator('.notice[role="status"]')), 'Your email address is confirmed.');

    // Every state-changing form on the manage page carries the hidden CSRF token.
    const forms = page.locator('main form[method="post"]');
    const actions = await forms.evaluateAll((all) => all.map((f) => new URL((f as HTMLFormElement).action).pathname));
    const base = `/petitions/${match[1]}`;
    assert.deepEqual(actions, [`${base}/manage/updates`, `${base}/manage/edit`, `${base}/manage/victory`, `${base}/manage/close`]);
    for (let i = 0; i < actions.length; i++) {
      const csrf = forms.nth(i).locator('input[name="_csrf"]');
      assert.equal(await csrf.count(), 1, `${actions[i]} has one _csrf field`);
      assert.equal(await csrf.getAttribute('type'), 'hidden');
      assert.ok(((await csrf.getAttribute('value')) ?? '').length >= 16, `${actions[i]}'s _csrf holds a token`);
    }
    // The edit form shows the petition as it is now.
    const editForm = page.locator(`form[action="${base}/manage/edit"]`);
    assert.equal(await editForm.locator('input[name="title"]').inputValue(), 'Light the paths in Roundhay Park');
    assert.equal(await editForm.locator('input[name="location"]').inputValue(), 'Qwxyzzyville, UK');
    assert.equal(await editForm.locator('select[name="category"]').inputValue(), 'community');

    // The public page names the place in words, without a map (it has no coordinates).
    await loads(page, () => page.getByRole('link', { name: 'See the public page' }).click());
    assert.equal(await text(page.locator('h1')), 'Light the paths in Roundhay Park');
    assert.deepEqual((await page.locator('.facts dd').allTextContents()).slice(0, 2), ['Community', 'Qwxyzzyville, UK']);
    assert.equal(await page.locator('#map, .map-section').count(), 0);
    assert.equal(await text(page.locator('form.sign-form button[type="submit"]')), 'Sign');

    const { problems, violations } = await report();
    assert.deepEqual(violations, [], 'no CSP violations');
    assert.deepEqual(problems, [], 'no console errors, page errors, failed requests or unexpected error statuses');
    assert.deepEqual(external, [], 'no page asked anything of other hosts');
  });
  test(
    'on the manage page, each label names the field of its own form',
    { timeout: TEST_TIMEOUT },
    async () => {
      const { page } = await sandbox();
      const base = await startConfirmed(page, 'Repaint the zebra crossings', 'nadia.labels@example.org');
      const duplicates = await page.evaluate(() => {
        const seen: Record<string, number> = {};
        for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] ?? 0) + 1;
        return Object.keys(seen).filter((id) => seen[id]! > 1);
      });
      assert.deepEqual(duplicates, [], 'no id is used twice on the page');
      // A screen reader (and getByRole) finds the victory message box by its label.
      const victoryForm = page.locator(`form[action="${base}/manage/victory"]`);
      const box = page.getByRole('textbox', { name: 'Your victory message', exact: true });
      assert.equal(await box.count(), 1, 'one text box is named “Your victory message”');
      assert.equal(await box.evaluate((el) => el.closest('form')?.getAttribute('action')), `${base}/manage/victory`);
      // A victory sent empty comes back with a message whose link leads to the victory box, not the update box.
      assert.equal((await submit(page, victoryForm, `${base}/manage/victory`)).status(), 422);
      const target = await page.locator('.error-summary a').first().getAttribute('href');
      assert.equal(await page.evaluate((href) => document.querySelector(href!)?.closest('form')?.getAttribute('action'), target), `${base}/manage/victory`);
    },
  );

  test(
    'a start form that comes back with mistakes moves focus to its error summary',
    { timeout: TEST_TIMEOUT },
    async () => {
      const { page } = await sandbox();
      await page.goto(`${server.address}/petitions/new`);
      assert.equal((await submit(page, page.locator('form[action="/petitions/new"]'), '/petitions/new')).status(), 422);
      await page.locator('#error-summary').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
    },
  );
});
