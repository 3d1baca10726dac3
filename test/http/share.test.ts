import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/server.ts';
import { openSite, startTestApp, type Site } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';
import { openPetition, pendingPetition, petitionInput } from '../support/builders.ts';
import type { Petition } from '../../src/store/records.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which a valid PNG has first, right after the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The content of <meta property|name="key" content="…">, as a link preview reads it. */
function metaContent(html: string, key: string): string | undefined {
  const tag = html.match(new RegExp(`<meta (?:property|name)="${key.replace(/:/g, '\\:')}" content="([^"]*)"`));
  return tag?.[1];
}

describe('sharing a petition: preview tags, share image and QR code', () => {
  const clock = fixedClock();
  let site: Site;
  let db: TestDatabase;
  let server: TestServer;
  let petition: Petition;

  before(async () => {
    site = await openSite({ database: sqliteDatabase, clock });
    ({ db, server } = site);
    petition = await openPetition(server.store, { title: 'Keep the Riverside library open', target: 'Riverside Council' });
  });
  after(() => site?.close());

  const fetchPng = async (slug: string): Promise<Buffer> => {
    const res = await server.request(`/petitions/${slug}/share.png`);
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  };

  test('the petition page carries Open Graph and Twitter card tags with an absolute image URL', async () => {
    const html = await (await server.request(`/petitions/${petition.slug}`)).text();
    const pageUrl = `${server.config.baseUrl}/petitions/${petition.slug}`;
    const imageUrl = `${pageUrl}/share.png`;
    assert.equal(metaContent(html, 'og:type'), 'website');
    assert.equal(metaContent(html, 'og:title'), 'Keep the Riverside library open');
    assert.match(metaContent(html, 'og:description') ?? '', /^To: Riverside Council\. /);
    assert.equal(metaContent(html, 'og:url'), pageUrl);
    assert.equal(metaContent(html, 'og:image'), imageUrl);
    assert.match(imageUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
    assert.equal(metaContent(html, 'og:image:width'), '1200');
    assert.equal(metaContent(html, 'og:image:height'), '630');
    assert.match(metaContent(html, 'og:image:alt') ?? '', /Keep the Riverside library open.*Riverside Council/);
    assert.equal(metaContent(html, 'twitter:card'), 'summary_large_image');
    assert.equal(metaContent(html, 'twitter:title'), 'Keep the Riverside library open');
    assert.equal(metaContent(html, 'twitter:description'), metaContent(html, 'og:description'));
    assert.equal(metaContent(html, 'twitter:image'), imageUrl);
    assert.match(html, new RegExp(`<a href="/petitions/${petition.slug}/qr.svg" download="${petition.slug}-qr.svg">QR code for posters</a>`));
  });

  test('share.png is a 1200×630 PNG that others may embed and caches for five minutes', async () => {
    const res = await server.request(`/petitions/${petition.slug}/share.png`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    const png = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.deepEqual(pngSize(png), { width: 1200, height: 630 });
  });

  test('a new signature redraws the card once the last drawing is 30 s old', async () => {
    const before = await fetchPng(petition.slug);
    // A second server on the same database signs without email confirmation, as a visitor would.
    const signer = await startTestApp({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
    try {
      const res = await signer.postJson(`/api/v1/petitions/${petition.slug}/signatures`, { name: 'Ada Lovelace', email: 'ada@example.org' });
      assert.equal(res.status, 201); // signed and counted: no confirmation step
    } finally {
      await signer.close();
    }
    assert.equal((await server.store.findPetitionBySlug(petition.slug))?.signatureCount, 1);

    // Within 30 s of the last drawing the card stands for the new count: a busy petition is drawn at most twice a minute.
    assert.deepEqual(await fetchPng(petition.slug), before);
    clock.advance(30_000);
    const after = await fetchPng(petition.slug);
    assert.notDeepEqual(after, before);
    assert.deepEqual(pngSize(after), { width: 1200, height: 630 });
    // And the redrawn card is what the next visitors get.
    assert.deepEqual(await fetchPng(petition.slug), after);
  });

  test('qr.svg is an SVG QR code of the petition address, cached for a week', async () => {
    const res = await server.request(`/petitions/${petition.slug}/qr.svg`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=604800');
    const svg = await res.text();
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<path [^>]*d="M/);
  });

  test('unknown, pending and hidden petitions have no share image or QR code: 404 in the error shape', async () => {
    const pending = await pendingPetition(server.store);
    const hidden = await server.store.createPetition(petitionInput({ state: 'hidden' }));
    for (const slug of ['no-such-petition', pending.slug, hidden.slug]) {
      for (const file of ['share.png', 'qr.svg']) {
        const res = await server.request(`/petitions/${slug}/${file}`);
        assert.equal(res.status, 404, `${slug}/${file}`);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        const html = await res.text();
        assert.match(html, /<h1>Page not found<\/h1>/);
        assert.match(html, /There is no petition at this address\./);
      }
    }
  });
});
