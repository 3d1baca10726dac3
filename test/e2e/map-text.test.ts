import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { withBrowserAndServer } from '../support/browser-fixture.ts';
import { createPetitionViaApi } from '../support/server.ts';

/*
 * Map labels are typed by people: a place, a campaign's local target, a title. In Chromium, under the
 * pages' Trusted Types policy, markup in them must show as text in the map's tooltips and never
 * become elements, and the map must still work (decision 0032).
 */

const TEST_TIMEOUT = 60_000;
const MARKUP = '<img src=x onerror=alert(1)>';

describe('markup typed into places and targets stays text on the maps (Chromium, Trusted Types)', () => {
  const env = withBrowserAndServer();

  const text = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  /** Console errors, page errors, and CSP or Trusted Types violations, from the page's first script on. */
  async function watch(page: Page): Promise<() => Promise<string[]>> {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.addInitScript(() => {
      const seen: string[] = [];
      (globalThis as unknown as { __violations: string[] }).__violations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} (${e.sample})`));
    });
    return async () => {
      await page.waitForTimeout(300); // let a late error or violation surface
      return [...problems, ...(await page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations))];
    };
  }

  /** Every marker's tooltip, hovered one at a time: its text and how many images it holds. */
  async function tooltips(page: Page): Promise<Array<{ text: string; images: number }>> {
    const map = page.locator('#map');
    await map.waitFor({ state: 'visible' });
    const markers = map.locator('.leaflet-overlay-pane path.leaflet-interactive');
    await markers.first().waitFor({ state: 'visible' });
    const found = [];
    for (let i = 0; i < (await markers.count()); i++) {
      await markers.nth(i).hover();
      const tooltip = page.locator('.leaflet-tooltip');
      await tooltip.waitFor({ state: 'visible' });
      found.push({ text: await text(tooltip), images: await tooltip.locator('img').count() });
      await page.mouse.move(0, 0);
      await tooltip.waitFor({ state: 'detached' });
    }
    return found;
  }

  test('Mallory hides markup in a place: the petition shows the gazetteer’s name, in words and on the map', { timeout: TEST_TIMEOUT }, async () => {
    const petition = await createPetitionViaApi(env.server, { title: 'Light the canal towpath', target: 'Leeds City Council', location: `Leeds, ${MARKUP}, UK` });
    const { page } = await env.chromium.sandbox();
    const problems = await watch(page);
    const res = await page.goto(`${env.server.address}/petitions/${petition.slug}`);
    assert.match(res?.headers()['content-security-policy'] ?? '', /require-trusted-types-for 'script'/);

    assert.deepEqual((await page.locator('.facts dd').allTextContents()).slice(0, 1), ['Leeds, United Kingdom']);
    assert.match(await text(page.locator('.map-fallback')), /^Leeds, United Kingdom \(53\.796, -1\.548\)/);
    assert.deepEqual(await tooltips(page), [{ text: 'Leeds, United Kingdom', images: 0 }]);
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no image made from the typed markup anywhere');

    // Leaflet works under Trusted Types: its zoom buttons and the tiles' credit are there, as text.
    assert.deepEqual(await page.locator('.leaflet-control-zoom a').evaluateAll((links) => links.map((a) => [a.getAttribute('aria-label'), a.textContent])), [['Zoom in', '+'], ['Zoom out', '\u2212']]);
    assert.equal(await text(page.locator('.leaflet-control-attribution')), 'Leaflet | © OpenStreetMap contributors');
    await page.locator('.leaflet-control-zoom-in').click();
    assert.deepEqual(await problems(), [], 'no script error and no CSP or Trusted Types violation');

    // And Trusted Types hold: any other string set as HTML is refused.
    const plainHtml = await page.evaluate(() => {
      try {
        document.createElement('div').innerHTML = '<b>plain</b>';
        return 'accepted';
      } catch {
        return 'refused';
      }
    });
    assert.equal(plainHtml, 'refused');
  });

  test('Mallory puts markup in a local target: the campaign’s and the browse page’s tooltips show it as text', { timeout: TEST_TIMEOUT }, async () => {
    const auth = { authorization: `Bearer ${await env.server.adminToken()}` };
    const created = await env.server.postJson('/api/v1/campaigns', { title: 'Warm Homes', body: 'Insulate every council home.', why: 'Winter.', kind: 'petition' }, auth);
    assert.equal(created.status, 201);
    const campaign = (await created.json()) as { slug: string };
    for (const [target, location] of [[`Leeds City Council ${MARKUP}`, 'Leeds, UK'], ['Bristol City Council', 'Bristol, UK']]) {
      const local = await env.server.postJson('/api/v1/petitions', { campaign: campaign.slug, target, location }, auth);
      assert.equal(local.status, 201, await local.clone().text());
    }
    const { page } = await env.chromium.sandbox();
    const problems = await watch(page);

    await page.goto(`${env.server.address}/campaigns/${campaign.slug}`);
    const onCampaign = await tooltips(page);
    assert.deepEqual(onCampaign.map((t) => t.text).sort(), ['Bristol City Council: 0', `Leeds City Council ${MARKUP}: 0`]);
    assert.deepEqual(onCampaign.map((t) => t.images), [0, 0], 'no image made from a target');

    await page.goto(`${env.server.address}/petitions?q=${encodeURIComponent('Warm Homes')}`);
    const onBrowse = await tooltips(page);
    assert.deepEqual(onBrowse.map((t) => t.text).sort(), ['Warm Homes: Bristol City Council', `Warm Homes: Leeds City Council ${MARKUP}`]);
    assert.deepEqual(onBrowse.map((t) => t.images), [0, 0], 'no image made from a title');
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.deepEqual(await problems(), [], 'no script error and no CSP or Trusted Types violation');
  });
});
