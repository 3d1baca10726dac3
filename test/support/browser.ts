import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/*
 * Debian's Chromium (never a downloaded browser), in contexts whose every non-loopback request
 * (map tiles, anything else) is answered by a local stub: nothing leaves the machine, and tests can
 * assert that a page asked nothing of other hosts.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
/** Screenshots land here (git-ignored; CI keeps it in its output). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
export const SCREENSHOT_WIDTHS = [375, 1280] as const;
/** How long a locator or navigation may wait. */
export const WAIT = 10_000;
/** A 1x1 transparent PNG: what every non-loopback request gets. */
const TILE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR42mNgAAIAAAUAAen63NgAAAAASUVORK5CYII=', 'base64');

const isLoopback = (url: URL): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

export interface Sandbox {
  context: BrowserContext;
  page: Page;
  /** Every non-loopback URL the page asked for (each was stubbed, none left the machine). */
  external: string[];
}

/** One Chromium for a test file; `sandbox()` gives fresh contexts, `close()` ends them all. */
export async function launchBrowser(): Promise<{ browser: Browser; sandbox(options?: BrowserContextOptions): Promise<Sandbox>; close(): Promise<void> }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async sandbox(options = {}) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', ...options });
      contexts.push(context);
      context.setDefaultTimeout(WAIT);
      context.setDefaultNavigationTimeout(WAIT);
      const external: string[] = [];
      await context.route(
        (url) => !isLoopback(url),
        (route) => {
          external.push(route.request().url());
          return route.fulfill({ status: 200, contentType: 'image/png', body: TILE_PNG });
        },
      );
      return { context, page: await context.newPage(), external };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
    },
  };
}

/** Runs an action that loads a new document, and returns once that document has loaded. */
export async function loads(page: Page, action: () => Promise<unknown>): Promise<void> {
  const loaded = page.waitForEvent('load');
  loaded.catch(() => {}); // if the action itself fails, that is the error to report
  await action();
  await loaded;
}
