import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { loads } from '../support/browser.ts';
import { createPetitionViaApi } from '../support/server.ts';
import { withBrowserAndServer } from '../support/browser-fixture.ts';

/** What has focus: its tag, id and accessible text, and whether a focus ring is drawn. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: '', id: '', text: '', ring: false };
    const style = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent ?? '').trim().slice(0, 60), ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
  });

describe('Kofi signs with the keyboard alone (Chromium, JavaScript on)', () => {
  const fixture = withBrowserAndServer();

  test('skip link first, visible focus, errors announced and linked to their fields, then signed', { timeout: 60_000 }, async () => {
    const { slug } = await createPetitionViaApi(fixture.server, { title: 'Fund the night bus', location: 'Leeds, UK' });
    const { page } = await fixture.chromium.sandbox();
    await page.goto(`${fixture.server.address}/petitions/${slug}`);

    await page.keyboard.press('Tab');
    let now = await focused(page);
    assert.deepEqual([now.tag, now.text], ['a', 'Skip to main content'], 'the skip link comes first');
    assert.ok(now.ring, 'with a visible focus ring');
    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'main', 'the skip link moves focus to the main content');

    // Onwards by Tab to the name field: the sign form comes before the long text on every width.
    for (let i = 0; i < 40 && (await focused(page)).id !== 'field-name'; i++) await page.keyboard.press('Tab');
    now = await focused(page);
    assert.equal(now.id, 'field-name', 'the sign form is reachable by Tab');
    assert.ok(now.ring);

    // Submit empty with Enter: the error summary takes focus and its links lead to the fields.
    await loads(page, () => page.keyboard.press('Enter'));
    now = await focused(page);
    assert.equal(now.id, 'error-summary', 'the summary is focused, so it is read out');
    assert.equal(await page.locator('#error-summary').getAttribute('role'), 'alert');
    await page.keyboard.press('Tab');
    now = await focused(page);
    assert.deepEqual([now.tag, now.text], ['a', 'Enter your name.']);
    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'field-name', 'the message’s link moves focus to its field');

    await page.keyboard.type('Kofi Mensah');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).id, 'field-email');
    await page.keyboard.type('kofi@example.org');
    await loads(page, () => page.keyboard.press('Enter'));
    assert.equal(new URL(page.url()).pathname, `/petitions/${slug}/check-your-email`);
    assert.equal(await page.locator('h1').textContent(), 'Check your email');
  });
});
