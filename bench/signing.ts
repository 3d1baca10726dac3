/**
 * npm run bench: the signing API against a bare Fastify POST route, measured in the same run.
 * Starts each server as its own process on loopback, loads it with autocannon (bounded in time),
 * and checks that every acknowledged signature is in the database.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../src/store/engine.ts';
import { openStore } from '../src/store/kysely-store.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 256);

function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** Loads one route; returns its figures and the emails whose signature was acknowledged. */
async function load(url: string, slug: string, tag: string) {
  let n = 0;
  const acknowledged = new Set<string>();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        path: `/api/v1/petitions/${slug}/signatures`,
        headers: { 'content-type': 'application/json' },
        // Each connection sends one request at a time, so its context names the email in flight.
        setupRequest: (req, context: { email?: string }) => {
          context.email = `${tag}-${n++}@example.org`;
          return { ...req, body: JSON.stringify({ name: 'Bench Signer', email: context.email, consent: false }) };
        },
        onResponse: (status: number, _body: string, context: { email?: string }) => {
          if (status >= 200 && status < 300 && context.email) acknowledged.add(context.email);
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok: result['2xx'], errors: result.errors + result.non2xx, acknowledged };
}

const dir = mkdtempSync(join(tmpdir(), 'undersign-bench-'));
const dbPath = join(dir, 'bench.sqlite');
const rows: Array<{ name: string; rps: number; p50: number; p99: number; ok: number; errors: number }> = [];
const BEFORE = 8; // the demo petition's signatures
try {
  const baseline = await start(['--import', 'tsx', 'bench/baseline-server.ts'], {});
  rows.push({ name: 'bare Fastify POST (baseline)', ...(await load(baseline.url, 'x', 'base')) });
  baseline.child.kill();

  const app = await start(['bin/undersign.js', 'serve'], {
    PORT: '0', DATABASE_URL: dbPath, DEMO: '1', SIGNATURE_CONFIRMATION: 'none', RATE_LIMIT: 'off', LOG_LEVEL: 'info', NODE_ENV: 'test',
  });
  const slug = 'open-the-library-24-hours-during-exams';
  const signing = await load(app.url, slug, 'sign');
  rows.push({ name: 'POST signatures, SQLite (FULL sync)', ...signing });
  app.child.kill('SIGTERM');
  await new Promise((r) => app.child.once('exit', r));

  const engine = openEngine(dbPath);
  const store = await openStore(engine);
  const petition = await store.findPetitionBySlug(slug);
  const stored = await store.countSignatures(petition!.id, 'confirmed');
  const emails = new Set((await engine.db.selectFrom('signatures').select('email').where('petition_id', '=', petition!.id).execute()).map((r) => r.email));
  await store.close();
  const lost = [...signing.acknowledged].filter((e) => !emails.has(e));

  const base = rows[0]!.rps;
  console.log(`\n${CONNECTIONS} connections, ${DURATION} s each, load generator on the same machine\n`);
  console.log('| route | req/s | p50 ms | p99 ms | ratio to baseline | 2xx | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${(r.rps / base).toFixed(2)} | ${r.ok} | ${r.errors} |`);
  // Requests still in flight when the clock stops may commit without being counted as acknowledged.
  const countExact = stored === petition!.signatureCount;
  console.log(
    `\nsignatures acknowledged: ${signing.acknowledged.size}; stored: ${stored - BEFORE}; acknowledged but missing: ${lost.length}; ` +
      `stored count column = count(*): ${countExact} → ${lost.length === 0 && countExact ? 'OK, nothing lost' : 'FAILED'}`,
  );
  if (lost.length > 0 || !countExact) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
