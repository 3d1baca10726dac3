import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS, SCREENSHOT_WIDTHS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { createAdmin } from '../../src/services/accounts.ts';

/*
 * axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every page type, with JavaScript on and with
 * the page's own scripts blocked (what a reader without JavaScript gets), at a phone's and a
 * desktop's width; a screenshot of each for people to look at.
 */

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PLEDGE = 'no-campus-recruiting-for-surveillance-contractors-university-of-leeds';
const TEST_TIMEOUT = 180_000;
const STAFF = { email: 'ada@example.org', password: 'admin passphrase of some length' };

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

async function audit(page: Page): Promise<string[]> {
  // Run through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    (tags) => (globalThis as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: unknown[] }> } }).axe.run(document, { runOnly: { type: 'tag', values: tags } }).then((r) => r.violations),
    TAGS,
  )) as AxeViolation[];
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

describe('accessibility audit with axe-core in Chromium', () => {
  let db: TestDatabase;
  let server: TestServer;
  let chromium: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, DEMO: '1' });
    chromium = await launchBrowser();
    // The admin area with something in it: an administrator, and an alert on the demo pledge.
    await createAdmin(server.store, STAFF.email, STAFF.password, new Date());
    const pledge = (await server.store.findPetitionBySlug(PLEDGE))!;
    await server.store.recordSigningAlerts([{ petitionId: pledge.id, kind: 'domain', key: 'bots.example', count: 201, at: new Date() }]);
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    await db?.drop();
  });

  /** Pages reached by a plain GET. */
  const PAGES: Array<[string, string]> = [
    ['home', '/'],
    ['browse', '/petitions'],
    ['petition', `/petitions/${PLEDGE}`],
    ['start', '/petitions/new'],
    ['sign-in', '/sign-in'],
    ['privacy', '/privacy'],
    ['check-your-email', `/petitions/${PLEDGE}/check-your-email`],
    ['thank-you', `/petitions/${PLEDGE}/signed`],
    ['print', `/petitions/${PLEDGE}/print`],
    ['outbox', '/dev/outbox'],
    ['api-reference', '/api'],
    ['embed', `/petitions/${PLEDGE}/embed`],
    ['campaign', '/campaigns/no-campus-recruiting-for-surveillance-contractors'],
    ['campaign-nearest', '/campaigns/no-campus-recruiting-for-surveillance-contractors?near=Bath%2C%20UK'],
    ['campaign-start', '/campaigns/no-campus-recruiting-for-surveillance-contractors/start'],
    ['not-found', '/petitions/no-such-petition'],
  ];

  /** Pages of the admin area, audited after signing in through its form. */
  const ADMIN_PAGES: Array<[string, string]> = [
    ['admin-queue', '/admin/queue'],
    ['admin-review', `/admin/petitions/${PLEDGE}`],
    ['admin-alerts', '/admin/alerts'],
    ['admin-invalidate', '/admin/invalidate'],
    ['admin-staff', '/admin/staff'],
    ['admin-audit', '/admin/audit'],
    ['admin-settings', '/admin/settings'],
  ];

  for (const [scripts, colorScheme] of [['on', 'light'], ['blocked', 'light'], ['on', 'dark']] as const) {
    test(`every page type has no WCAG A/AA violations, JavaScript ${scripts}, ${colorScheme} mode`, { timeout: TEST_TIMEOUT }, async () => {
      const { context, page } = await chromium.sandbox({ colorScheme });
      if (scripts === 'blocked') await context.route((url) => url.pathname.endsWith('.js'), (route) => route.abort());
      const found: string[] = [];
      for (const [name, path] of PAGES) {
        for (const width of SCREENSHOT_WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${server.address}${path}`);
          found.push(...(await audit(page)).map((v) => `${name} at ${width}px: ${v}`));
          if (scripts === 'on') await page.screenshot({ path: `${SCREENSHOTS}audit-${name}-${width}${colorScheme === 'dark' ? '-dark' : ''}.png`, fullPage: true });
        }
      }
      // Forms sent back with mistakes: error summary, messages, aria-invalid.
      for (const [name, action, path] of [
        ['start-errors', '/petitions/new', '/petitions/new'],
        ['sign-errors', `/petitions/${PLEDGE}/signatures`, `/petitions/${PLEDGE}`],
        ['admin-sign-in-errors', '/admin/sign-in', '/admin/sign-in'],
      ] as const) {
        await page.goto(`${server.address}${path}`);
        await Promise.all([page.waitForEvent('load'), page.locator(`form[action="${action}"] button[type="submit"]`).click()]);
        found.push(...(await audit(page)).map((v) => `${name}: ${v}`));
        if (scripts === 'on') await page.screenshot({ path: `${SCREENSHOTS}audit-${name}-1280${colorScheme === 'dark' ? '-dark' : ''}.png`, fullPage: true });
      }
      // Staff: sign in through the form, then every admin page, and an invalidation preview.
      await page.goto(`${server.address}/admin/sign-in`);
      found.push(...(await audit(page)).map((v) => `admin-sign-in: ${v}`));
      await page.fill('input[name="email"]', STAFF.email);
      await page.fill('input[name="password"]', STAFF.password);
      await Promise.all([page.waitForURL('**/admin/queue'), page.locator('form[action="/admin/sign-in"] button[type="submit"]').click()]);
      for (const [name, path] of ADMIN_PAGES) {
        for (const width of SCREENSHOT_WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${server.address}${path}`);
          found.push(...(await audit(page)).map((v) => `${name} at ${width}px: ${v}`));
          if (scripts === 'on') await page.screenshot({ path: `${SCREENSHOTS}audit-${name}-${width}${colorScheme === 'dark' ? '-dark' : ''}.png`, fullPage: true });
        }
      }
      await page.goto(`${server.address}/admin/invalidate`);
      await page.fill('input[name="domain"]', 'bots.example');
      await Promise.all([page.waitForEvent('load'), page.locator('form[action="/admin/invalidate"] button[type="submit"]').click()]);
      assert.match(await page.content(), /What this would do/);
      found.push(...(await audit(page)).map((v) => `admin-invalidate-preview: ${v}`));
      if (scripts === 'on') await page.screenshot({ path: `${SCREENSHOTS}audit-admin-invalidate-preview-1280${colorScheme === 'dark' ? '-dark' : ''}.png`, fullPage: true });
      assert.deepEqual(found, []);
    });
  }
});
