/**
 * npm run bench: the real routes against bare Fastify routes, on SQLite and (when reachable)
 * PostgreSQL. Each server is its own process on loopback; autocannon loads each real route for
 * BENCH_SECONDS (10) with BENCH_CONNECTIONS (256), in BENCH_ROUNDS (5) slices alternating with the
 * bare route it is compared with, so both see the same machine. Ends with a check that every
 * acknowledged signature is stored and each count column equals its rows; exits 1 when not.
 *
 * Then the mail rows (bench/mail-rows.ts): a signer's journey at fixed arrival rates through a
 * delaying SMTP relay, the same journey at BENCH_BULK_RATE (500) with BENCH_BULK (100,000) update
 * mails queued first (its p95 wait against the plain journey's), and the drain of a backlog, against
 * a bare nodemailer sender of the same run. The journey part holds the bulk row.
 * `npm run bench -- --only=http|mail|journey|drain` (or BENCH_ONLY, comma-separated) runs a part.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../src/store/engine.ts';
import { openStore } from '../src/store/kysely-store.ts';
import { hashSecret } from '../src/services/tokens.ts';
import { SERVER_NODE_FLAGS } from '../src/cluster.ts';
import { CONNECTIONS, DURATION, load, paired, POSTGRES_ADMIN, postgresDatabase, ROUNDS, startServer, withMemory, type Figures, type Server } from './support.ts';
import { mailRows, printMailTable, type MailResults } from './mail-rows.ts';

const SLUG = 'open-the-library-24-hours-during-exams';

const PARTS = ['http', 'mail', 'journey', 'drain'] as const;
const only = (process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? process.env.BENCH_ONLY ?? '').split(',').filter((p) => p !== '');
for (const part of only) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--only=${part}: one of ${PARTS.join(', ')}, please`);
const runs = (part: (typeof PARTS)[number]) => only.length === 0 || only.includes(part) || (only.includes('mail') && (part === 'journey' || part === 'drain'));

interface Row extends Figures {
  name: string;
  baseline: number;
  extra?: string;
}
const rows: Row[] = [];
const checks: string[] = [];
let failed = false;

/** Every server the bench starts runs with the flags `npm start` and the cluster's workers use. */
const NODE_FLAGS = SERVER_NODE_FLAGS;

const APP_ENV = { DEMO: '1', SIGNATURE_CONFIRMATION: 'none', RATE_LIMIT: 'off', LOG_LEVEL: 'warn', NODE_ENV: 'production', SESSION_SECRET: 'b'.repeat(40) };

function signRequest(tag: string, acknowledged: Set<string>) {
  let n = 0;
  return {
    method: 'POST' as const,
    path: `/api/v1/petitions/${SLUG}/signatures`,
    headers: { 'content-type': 'application/json' },
    // Each connection sends one request at a time, so its context names the email in flight.
    setupRequest: (req: object, context: { email?: string }) => {
      context.email = `${tag}-${n++}@example.org`;
      return { ...req, body: JSON.stringify({ name: 'Bench Signer', email: context.email, consent: false }) };
    },
    onResponse: (status: number, _body: string, context: { email?: string }) => {
      if (status >= 200 && status < 300 && context.email) acknowledged.add(context.email);
    },
  };
}

const BARE = {
  post: (url: string) => ({ url, request: signRequest('bare', new Set()) }),
  count: (url: string) => ({ url, request: { method: 'GET' as const, path: '/api/v1/petitions/x/count' } }),
  page: (url: string) => ({ url, request: { method: 'GET' as const, path: '/petitions/x' } }),
};

/** The bare routes on their own, for reference; each real route is then measured against them in alternating slices. */
async function baselines(bare: Server) {
  // The same requests as the signing run (a new address each, built by the load generator), so
  // that only the server differs between the two; the one with a fixed body is for comparison.
  const post = await load(bare.url, BARE.post(bare.url).request);
  const fixedPost = await load(bare.url, { method: 'POST', path: `/api/v1/petitions/x/signatures`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bench Signer', email: 'b@example.org' }) });
  const count = await load(bare.url, BARE.count(bare.url).request);
  const page = await load(bare.url, BARE.page(bare.url).request);
  rows.push(
    { name: 'bare Fastify POST', ...post, baseline: post.rps },
    { name: 'bare Fastify POST, one fixed body (for comparison)', ...fixedPost, baseline: post.rps },
    { name: 'bare Fastify GET (JSON)', ...count, baseline: count.rps },
    { name: 'bare Fastify GET (12 KB HTML)', ...page, baseline: page.rps },
  );
}

/** The floor: bare Fastify plus a durable group-committed row in our schema, nothing else. */
async function floorRun(label: string, databaseUrl: string, bare: Server) {
  const floor = await startServer([...NODE_FLAGS, '--import', 'tsx', 'bench/floor-server.ts'], { DATABASE_URL: databaseUrl });
  try {
    const signing = await paired(BARE.post(bare.url), { url: floor.url, request: signRequest('floor', new Set()) });
    rows.push({ name: `floor: bare POST + group-committed row in our schema, ${label}`, ...signing });
  } finally {
    await floor.stop();
  }
}

async function engineRun(label: string, databaseUrl: string, bare: Server) {
  const server = await startServer([...NODE_FLAGS, 'bin/undersign.js', 'serve'], { ...APP_ENV, DATABASE_URL: databaseUrl });
  const acknowledged = new Set<string>();
  const tag = label.toLowerCase(); // emails are stored normalised
  try {
    const signing = await withMemory(server, () => paired(BARE.post(bare.url), { url: server.url, request: signRequest(`${tag}-sign`, acknowledged) }));
    const count = await paired(BARE.count(bare.url), { url: server.url, request: { method: 'GET', path: `/api/v1/petitions/${SLUG}/count` } });
    const page = await paired(BARE.page(bare.url), { url: server.url, request: { method: 'GET', path: `/petitions/${SLUG}` } });

    // Pending signatures with known links, written beside the running server, then confirmed through it.
    const store = await openStore(openEngine(databaseUrl));
    const petition = (await store.findPetitionBySlug(SLUG))!;
    const tokens = Array.from({ length: Math.ceil((DURATION + 1) * 15_000) }, (_, i) => `bench-confirm-${tag}-${i}-${'x'.repeat(20)}`);
    for (let i = 0; i < tokens.length; i += 5000) {
      await store.commitSignatureBatch({
        now: new Date(),
        signatures: tokens.slice(i, i + 5000).map((t, k) => ({
          petitionId: petition.id, email: `${tag}-pending-${i + k}@example.org`, name: 'Bench Pending', postcode: null, country: null, consent: false,
          tokenHash: hashSecret(t), confirmed: false, ipHash: null, flag: null, consentVersion: 1, confirmationMail: null,
        })),
        confirmations: [],
      });
    }
    let next = 0;
    const confirm = await paired(BARE.page(bare.url), { url: server.url, request: { method: 'GET', path: '/', setupRequest: (req: object) => ({ ...req, path: `/signatures/confirm/${tokens[next++ % tokens.length]}` }) } });

    await server.stop();
    // Every signature of one batch carries the batch's time: distinct times count the commits.
    const reader = openEngine(databaseUrl);
    const signed = await reader.db.selectFrom('signatures').select(['email', 'created_at']).where('email', 'like', `${tag}-sign-%`).execute();
    await reader.db.destroy();
    const emails = new Set(signed.map((r) => r.email));
    const commits = new Set(signed.map((r) => r.created_at)).size;
    const lost = [...acknowledged].filter((e) => !emails.has(e)).length;
    const after = (await store.findPetitionBySlug(SLUG))!;
    const confirmed = await store.countSignatures(petition.id, 'confirmed');
    await store.close();

    // Signing ran for DURATION seconds plus one of warm-up.
    const signingSeconds = DURATION + 1;
    rows.push(
      { name: `POST signatures, ${label}`, ...signing.value, extra: `${(signed.length / Math.max(commits, 1)).toFixed(0)} signatures per commit, ${(commits / signingSeconds).toFixed(0)} commits/s; RSS ${signing.startMiB.toFixed(0)} → peak ${signing.peakMiB.toFixed(0)} → ${signing.endMiB.toFixed(0)} MiB` },
      { name: `GET count, ${label}`, ...count },
      { name: `GET petition page, ${label}`, ...page },
      { name: `GET confirmation link, ${label}`, ...confirm },
    );
    const ok = lost === 0 && after.signatureCount === confirmed;
    failed ||= !ok;
    checks.push(`${label}: ${acknowledged.size} signatures acknowledged, ${lost} of them missing; count column ${after.signatureCount} = confirmed rows ${confirmed}: ${ok ? 'OK' : 'FAILED'}`);
  } finally {
    await server.stop();
  }
}

/** Two processes (cluster) against one PostgreSQL, 64 connections on one petition: the hot-row case. */
async function clusterRun(databaseUrl: string, bare: Server) {
  const server = await startServer([...NODE_FLAGS, 'bin/undersign.js', 'serve', '--workers', '2'], { ...APP_ENV, DATABASE_URL: databaseUrl });
  const acknowledged = new Set<string>();
  try {
    const signing = await paired(BARE.post(bare.url), { url: server.url, request: signRequest('cluster-sign', acknowledged) }, 64);
    await server.stop();
    const store = await openStore(openEngine(databaseUrl));
    const petition = (await store.findPetitionBySlug(SLUG))!;
    const confirmed = await store.countSignatures(petition.id, 'confirmed');
    await store.close();
    rows.push({ name: 'POST signatures, PostgreSQL, 2 processes, 64 connections (baseline also at 64)', ...signing });
    const ok = petition.signatureCount === confirmed;
    failed ||= !ok;
    checks.push(`PostgreSQL, 2 processes: ${acknowledged.size} acknowledged; count column ${petition.signatureCount} = confirmed rows ${confirmed}: ${ok ? 'OK' : 'FAILED'}`);
  } finally {
    await server.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'undersign-bench-'));
try {
  if (runs('http')) await httpRows();
  let mail: MailResults | null = null;
  if (runs('journey') || runs('drain')) {
    mail = await mailRows({ slug: SLUG, sqliteDir: dir, postgresDatabase, journeys: runs('journey'), drains: runs('drain') });
    checks.push(...mail.checks);
    failed ||= mail.failed;
  }

  if (rows.length > 0) {
    console.log(`\n${CONNECTIONS} connections, ${DURATION} s per route in ${ROUNDS} slices alternating with its bare baseline (its req/s in the baseline column), load generator on the same machine (${new Date().toISOString()})\n`);
    console.log('| route | req/s | p50 ms | p99 ms | baseline req/s | ratio | 2xx | errors | notes |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.baseline.toFixed(0)} | ${(r.rps / r.baseline).toFixed(2)} | ${r.ok} | ${r.errors} | ${r.extra ?? ''} |`);
  }
  if (mail) printMailTable(mail);
  console.log('');
  for (const c of checks) console.log(c);
  if (failed) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The HTTP rows: bare baselines, the floor, each engine's routes, two processes. */
async function httpRows() {
  const bare = await startServer([...NODE_FLAGS, '--import', 'tsx', 'bench/baseline-server.ts'], {});
  try {
    await baselines(bare);
    await floorRun('SQLite', join(dir, 'floor.sqlite'), bare);
    await engineRun('SQLite', join(dir, 'bench.sqlite'), bare);
    const postgres = await postgresDatabase('app');
    if (postgres) {
      const floor = (await postgresDatabase('floor'))!;
      try {
        await floorRun('PostgreSQL', floor.url, bare);
        await engineRun('PostgreSQL', postgres.url, bare);
        await clusterRun(postgres.url, bare);
      } finally {
        await postgres.drop();
        await floor.drop();
      }
    } else checks.push(`PostgreSQL not reachable at ${POSTGRES_ADMIN}: skipped`);
  } finally {
    await bare.stop();
  }
}
