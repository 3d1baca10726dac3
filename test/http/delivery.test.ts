import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi, type TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { sqliteDatabase } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';
import { signature } from '../support/builders.ts';
import { hashSecret, newSecret } from '../../src/services/tokens.ts';

const SIGNED_NAMES = ['Ada Lovelace', 'Bob Marley', '=HYPERLINK("http://evil.example")'];
const PENDING_NAME = 'Pending Person';

describe('an organiser delivers the petition: CSV download and printable page', () => {
  let site: Site;
  let server: TestServer;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  let slug = '';
  let adminCookie = '';
  let strangerCookie = '';

  /** The sign-in cookie a browser would hold after a magic link: a session token (its hash in the database), signed. */
  const sessionCookie = async (userId: number, expiresAt: Date) => {
    const token = newSecret();
    await server.store.createOrganiserSession({ userId, tokenHash: hashSecret(token), now: clock(), expiresAt });
    return `us_session=${encodeURIComponent(server.app.signCookie(token))}`;
  };
  const get = (path: string, cookie?: string) => server.request(path, cookie ? { headers: { cookie } } : {});
  const names = (body: string) => [...SIGNED_NAMES.slice(0, 2), PENDING_NAME].filter((n) => body.includes(n));

  before(async () => {
    site = await openSite({ database: sqliteDatabase, clock });
    ({ server } = site);
    slug = (await createPetitionViaApi(server, { title: 'Plant a tree for every graduate', target: 'Vice-Chancellor', why: 'Shade, and carbon.' })).slug;
    const petition = (await server.store.findPetitionBySlug(slug))!;
    await server.store.commitSignatureBatch({
      now: clock(),
      signatures: [
        signature(petition.id, 1, { name: SIGNED_NAMES[0], postcode: 'CB2 1TN', consent: true }),
        signature(petition.id, 2, { name: SIGNED_NAMES[1], country: 'Jamaica', consent: false }),
        signature(petition.id, 4, { name: PENDING_NAME, consent: true, confirmed: false, tokenHash: hashSecret('pending') }),
      ],
      confirmations: [],
    });
    clock.advance(60_000);
    await server.store.commitSignatureBatch({ now: clock(), signatures: [signature(petition.id, 3, { name: SIGNED_NAMES[2], consent: true })], confirmations: [] });

    // The administrator created the petition through the API, so she is its organiser: that, not her role, lets her deliver it.
    const admin = (await server.store.findUserByEmail('admin@example.org'))!;
    const stranger = await server.store.upsertUser({ email: 'stranger@example.org', role: 'organiser', passwordHash: null, now: clock() });
    const tomorrow = new Date(clock().getTime() + 86_400_000);
    adminCookie = await sessionCookie(admin.id, tomorrow);
    strangerCookie = await sessionCookie(stranger.id, tomorrow);
  });
  after(() => site?.close());

  for (const page of ['signatures.csv', 'print']) {
    test(`${page}: without a valid session, no signer is shown`, async () => {
      const expired = await sessionCookie(1, new Date(clock().getTime() - 1000));
      const forged = `us_session=${encodeURIComponent('1.99999999999999.forged-signature')}`;
      // The stateless cookie of before decision 0030, correctly signed: no longer a session.
      const oldForm = `us_session=${encodeURIComponent(server.app.signCookie(`1.${clock().getTime() + 86_400_000}`))}`;
      for (const cookie of [undefined, expired, forged, oldForm]) {
        const res = await get(`/petitions/${slug}/${page}`, cookie);
        assert.notEqual(res.status, 200);
        assert.ok([303, 401].includes(res.status), `sign in first (got ${res.status})`);
        const body = await res.text();
        assert.deepEqual(names(body), []);
        assert.ok(!body.includes('@example.org'));
      }
    });

    test(`${page}: an organiser of another petition is refused`, async () => {
      const res = await get(`/petitions/${slug}/${page}`, strangerCookie);
      assert.equal(res.status, 403);
      assert.deepEqual(names(await res.text()), []);
    });

    test(`${page}: an unknown petition is not found`, async () => {
      const res = await get(`/petitions/no-such-petition/${page}`, adminCookie);
      assert.equal(res.status, 404);
    });
  }

  test('the CSV lists confirmed signers oldest first, with no email address, formulas defused', async () => {
    const res = await get(`/petitions/${slug}/signatures.csv`, adminCookie);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${slug}-signatures.csv"`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const bytes = new Uint8Array(await res.clone().arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM, so spreadsheets read accents right');
    const csv = await res.text(); // the decoder drops the BOM
    assert.equal(
      csv,
      [
        'Name,Postcode or country,Signed at (UTC)',
        'Ada Lovelace,CB2 1TN,2026-11-28T10:00:00.000Z',
        'Bob Marley,Jamaica,2026-11-28T10:00:00.000Z',
        `"'=HYPERLINK(""http://evil.example"")",,2026-11-28T10:01:00.000Z`,
        '',
      ].join('\r\n'),
    );
    assert.ok(!csv.includes(PENDING_NAME), 'an unconfirmed signature is not delivered');
    assert.ok(!csv.includes('@example.org'), 'no signer address, even of those who agreed to updates');
  });

  test('the printable page shows the petition, the count and the signers, never an email address', async () => {
    const res = await get(`/petitions/${slug}/print`, adminCookie);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const page = await res.text();
    assert.ok(page.startsWith('<!doctype html>') && page.trimEnd().endsWith('</html>'), 'a whole document around the streamed rows');
    for (const text of ['To:</span> Vice-Chancellor', '<h1>Plant a tree for every graduate</h1>', 'Plant one tree per graduate each year.', 'Why is this important?', 'Shade, and carbon.', '3 signatures', '28 Nov 2026']) {
      assert.ok(page.includes(text), `page shows: ${text}`);
    }
    const printCss = /href="(\/assets\/print\.css\?v=[\w-]+)"/.exec(page)?.[1];
    assert.ok(printCss, 'the print stylesheet, addressed by its content');
    assert.deepEqual(names(page), SIGNED_NAMES.slice(0, 2));
    assert.ok(page.includes('=HYPERLINK(&quot;http://evil.example&quot;)'), 'user text is escaped in HTML');
    assert.ok(page.includes('<td>CB2 1TN</td>') && page.includes('<td>Jamaica</td>'));
    assert.ok(page.indexOf('Ada Lovelace') < page.indexOf('Bob Marley') && page.indexOf('Bob Marley') < page.indexOf('HYPERLINK'), 'oldest first');
    assert.ok(!/[\w.+-]+@[\w-]+\.[\w.]+/.test(page), 'no email address anywhere on the page');

    const css = await server.request(printCss!);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
    assert.match(await css.text(), /@media print/);
  });
});
