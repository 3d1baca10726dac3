import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';
import { hashSecret } from '../../src/services/tokens.ts';

/**
 * Keeps this process's event loop busy `blockMs` at a time, with one turn of the loop between: the
 * server runs in this process, so its requests wait as they would behind slow work of its own.
 */
function overload(blockMs: number): { stop(): void } {
  let on = true;
  const spin = () => {
    if (!on) return;
    const end = Date.now() + blockMs;
    while (Date.now() < end) {
      // busy: the loop can do nothing else meanwhile
    }
    setImmediate(spin);
  };
  setImmediate(spin);
  return { stop: () => (on = false) };
}

const BOUND_MS = 40; // MAX_EVENT_LOOP_DELAY_MS for these tests: far above an idle loop, far below the pressure
const PRESSURE_MS = 250; // past twice the bound too, so writes are shed as well as reads
const READS_ONLY_PRESSURE_MS = 55; // past the bound, not past twice it: reads are shed, writes go through
const GENEROUS_MS = 30_000;

interface Seen {
  status: number;
  type: string | null;
  retryAfter: string | null;
  cacheControl: string | null;
  body: string;
}
const seen = async (res: Response): Promise<Seen> => ({
  status: res.status,
  type: res.headers.get('content-type'),
  retryAfter: res.headers.get('retry-after'),
  cacheControl: res.headers.get('cache-control'),
  body: await res.text(),
});

/** Issue 20: 2,000 connections on a page waited seconds, and none was ever told to come back later. */
describe('a process past its event-loop bound sheds load with 503 and Retry-After', () => {
  let db: TestDatabase;
  let server: TestServer;
  let slug = '';

  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none', MAX_EVENT_LOOP_DELAY_MS: String(BOUND_MS) });
    slug = (await createPetitionViaApi(server)).slug;
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  /** The first answer that is not a 503, as a client honouring Retry-After would get (a busy test machine may trip the tiny bound now and then). */
  const answered = async (send: () => Promise<Response>): Promise<Response> => {
    const started = Date.now();
    for (;;) {
      const res = await send();
      if (res.status !== 503) return res;
      await res.body?.cancel();
      if (Date.now() - started > GENEROUS_MS) assert.fail(`still answered 503 after ${GENEROUS_MS} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const count = async () => ((await (await answered(() => server.request(`/api/v1/petitions/${slug}/count`))).json()) as { signatureCount: number }).signatureCount;
  const untilAnswered = async (path: string, status: number): Promise<void> => {
    const res = await answered(() => server.request(path));
    await res.body?.cancel();
    assert.equal(res.status, status, path);
  };

  test('while the loop is blocked pages, the API and signatures get 503 with Retry-After and nothing is recorded; /healthz answers 200; afterwards 200 again', async () => {
    await untilAnswered(`/petitions/${slug}`, 200);
    const before = await count();

    const shed: { page?: Seen; api?: Seen; sign?: Seen } = {};
    const health: number[] = [];
    const signed: Array<{ email: string; status: number }> = [];
    const pressure = overload(PRESSURE_MS);
    try {
      const deadline = Date.now() + GENEROUS_MS;
      for (let round = 0; !(shed.page && shed.api && shed.sign) && Date.now() < deadline; round++) {
        const email = `under-pressure-${round}@example.org`;
        // All four in flight at once, behind the blocked loop.
        const [page, api, sign, healthz] = await Promise.all([
          server.request(`/petitions/${slug}`).then(seen),
          server.request(`/api/v1/petitions/${slug}/count`).then(seen),
          server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Pat Busy', email, consent: false }).then(seen),
          server.request('/healthz').then(seen),
        ]);
        health.push(healthz.status);
        signed.push({ email, status: sign.status });
        if (page.status === 503) shed.page ??= page;
        if (api.status === 503) shed.api ??= api;
        if (sign.status === 503) shed.sign ??= sign;
      }
    } finally {
      pressure.stop();
    }

    assert.ok(shed.page, 'the petition page was answered 503 under pressure');
    assert.equal(shed.page.retryAfter, '5');
    assert.equal(shed.page.cacheControl, 'no-store', 'no cache keeps the refusal');
    assert.match(shed.page.type ?? '', /^text\/html/);
    assert.match(shed.page.body, /Back in a moment/);
    assert.match(shed.page.body, /nothing was recorded/);

    for (const [what, answer] of [['count', shed.api], ['signature', shed.sign]] as const) {
      assert.ok(answer, `the API ${what} was answered 503 under pressure`);
      assert.equal(answer.retryAfter, '5');
      assert.match(answer.type ?? '', /^application\/json/);
      assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'OVERLOADED');
    }

    assert.ok(health.length > 0 && health.every((s) => s === 200), `/healthz answered ${health.join(', ')}`);

    // Pressure gone: pages answer again, and exactly the acknowledged signatures were recorded.
    await untilAnswered(`/petitions/${slug}`, 200);
    await untilAnswered(`/api/v1/petitions/${slug}/count`, 200);
    const acknowledged = signed.filter((s) => s.status === 201).length;
    assert.ok(signed.some((s) => s.status === 503));
    assert.deepEqual(signed.filter((s) => s.status !== 201 && s.status !== 503), [], 'every signature was taken (201) or refused whole (503)');
    assert.equal(await count(), before + acknowledged, 'a refused signature left nothing behind; every acknowledged one counts');
    const refused = signed.find((s) => s.status === 503)!.email;
    const again = await answered(() => server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Pat Busy', email: refused, consent: false }));
    assert.equal(again.status, 201, 'the refused signer, trying again, signs');
  });

  test('a confirmation link is shed like a write, not like a page: between the bound and twice it, pages get 503 and the link still confirms', async () => {
    await untilAnswered(`/petitions/${slug}`, 200);
    const petition = (await server.store.findPetitionBySlug(slug))!;
    // Signatures waiting for their links, as a signer who just opened the mail has.
    const tokens = Array.from({ length: 300 }, (_, i) => `shed-confirm-${i}-${'x'.repeat(32)}`);
    await server.store.commitSignatureBatch({
      now: new Date(),
      signatures: tokens.map((t, i) => ({
        petitionId: petition.id, email: `waiting-${i}@example.org`, name: 'Sam Waiting', postcode: null, country: null, consent: false,
        tokenHash: hashSecret(t), confirmed: false, ipHash: null, flag: null, consentVersion: 1, confirmationMail: null,
      })),
      confirmations: [],
    });
    const before = await count();
    const rounds: Array<{ page: number; link: number }> = [];
    const pressure = overload(READS_ONLY_PRESSURE_MS);
    try {
      const deadline = Date.now() + GENEROUS_MS;
      for (let i = 0; i < tokens.length && Date.now() < deadline && !rounds.some((r) => r.page === 503 && r.link === 200); i++) {
        const [page, link] = await Promise.all([server.request(`/petitions/${slug}`).then(seen), server.request(`/signatures/confirm/${tokens[i]}`).then(seen)]);
        rounds.push({ page: page.status, link: link.status });
      }
    } finally {
      pressure.stop();
    }
    assert.ok(
      rounds.some((r) => r.page === 503 && r.link === 200),
      `in some round the page was shed while the link confirmed: ${JSON.stringify(rounds.slice(0, 20))}`,
    );
    const confirmed = rounds.filter((r) => r.link === 200).length;
    assert.deepEqual(rounds.filter((r) => r.link !== 200 && r.link !== 503), [], 'each link confirmed (200) or was refused whole (503)');
    assert.equal(await count(), before + confirmed, 'every link that answered 200 counted');
  });
});
