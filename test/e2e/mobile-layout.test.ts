import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SCREENSHOTS } from '../support/browser.ts';
import { createPetitionViaApi } from '../support/server.ts';
import { withBrowserAndServer } from '../support/browser-fixture.ts';

// A phone: 375 × 667 CSS pixels (an iPhone SE or 8), the size issue 7 asks the sign form to fit.
const PHONE = { width: 375, height: 667 };

describe('on a phone, a petition asks for a signature on its first screen (Chromium)', () => {
  const fixture = withBrowserAndServer();

  for (const scheme of ['light', 'dark'] as const) {
    test(`Sam opens a shared link on his phone (${scheme}): the title, the count, the form and the Sign button, without scrolling`, { timeout: 60_000 }, async () => {
      const { slug } = await createPetitionViaApi(fixture.server, {
        title: `Open the main library 24 hours a day during exams (${scheme})`,
        target: 'Library Services, University of Leeds',
        goal: 100,
      });
      const { page } = await fixture.chromium.sandbox({ viewport: PHONE, colorScheme: scheme });
      await page.goto(`${fixture.server.address}/petitions/${slug}`);
      const inFirstScreen = async (selector: string) => {
        const box = await page.locator(selector).first().boundingBox();
        assert.ok(box, `${selector} is shown`);
        assert.ok(box.y >= 0 && box.y + box.height <= PHONE.height, `${selector} ends at ${Math.round(box.y + box.height)} px, within the first ${PHONE.height} px`);
        assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `${selector} fits across the screen`);
      };
      for (const selector of ['h1', '.count-box', '#field-name', '#field-email', '.sign-form button[type="submit"]']) await inFirstScreen(selector);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), PHONE.width, 'nothing scrolls sideways');
      await page.screenshot({ path: `${SCREENSHOTS}petition-phone-first-screen-${scheme}.png` });
    });
  }

  test('from 320 px to wide, no page scrolls sideways', { timeout: 60_000 }, async () => {
    const { slug } = await createPetitionViaApi(fixture.server, { title: 'Keep the Sunday opening hours of every public library in the county, and fund them properly from next April' });
    for (const width of [320, 375, 768, 1280, 1920]) {
      const { page } = await fixture.chromium.sandbox({ viewport: { width, height: 800 } });
      for (const path of ['/', '/petitions', `/petitions/${slug}`, '/petitions/new']) {
        await page.goto(`${fixture.server.address}${path}`);
        assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= width, `${path} at ${width} px scrolls sideways`);
      }
    }
  });
});
