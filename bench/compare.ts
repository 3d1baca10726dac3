/**
 * npm run bench:compare -- DIR: this checkout's signing route against another checkout's (DIR, with
 * its own or a linked node_modules), loaded in alternating slices, so both see the same machine. For "a change to the signing path reports bench
 * figures before and after": `git worktree add /tmp/before REV`, link node_modules, run this.
 * Both servers run the same settings on fresh databases of their own, SQLite and (when reachable)
 * PostgreSQL. BENCH_COMPARE_ROUTES=sign,count,page picks the routes (default: sign).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_NODE_FLAGS } from '../src/cluster.ts';
import { CONNECTIONS, DURATION, paired, POSTGRES_ADMIN, postgresDatabase, ROUNDS, startServer, type Server, type Target } from './support.ts';

const SLUG = 'open-the-library-24-hours-during-exams';
const APP_ENV = { DEMO: '1', SIGNATURE_CONFIRMATION: 'none', RATE_LIMIT: 'off', LOG_LEVEL: 'warn', NODE_ENV: 'production', SESSION_SECRET: 'b'.repeat(40) };

const other = process.argv[2];
if (!other || !existsSync(join(other, 'bin/undersign.js'))) throw new Error('npm run bench:compare -- DIR: DIR is another checkout of Undersign (bin/undersign.js), please');
const otherDir = resolve(other);
const routes = (process.env.BENCH_COMPARE_ROUTES ?? 'sign').split(',').map((r) => r.trim());

function target(server: Server, route: string, tag: string): Target {
  if (route === 'count') return { url: server.url, request: { method: 'GET', path: `/api/v1/petitions/${SLUG}/count` } };
  if (route === 'page') return { url: server.url, request: { method: 'GET', path: `/petitions/${SLUG}` } };
  if (route !== 'sign') throw new Error(`BENCH_COMPARE_ROUTES: sign, count or page, not ${route}`);
  let n = 0;
  return {
    url: server.url,
    request: {
      method: 'POST',
      path: `/api/v1/petitions/${SLUG}/signatures`,
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: object) => ({ ...req, body: JSON.stringify({ name: 'Bench Signer', email: `${tag}-${n++}@example.org`, consent: false }) }),
    },
  };
}

const start = (checkout: string, databaseUrl: string) => startServer([...SERVER_NODE_FLAGS, 'bin/undersign.js', 'serve'], { ...APP_ENV, DATABASE_URL: databaseUrl }, checkout);

const lines: string[] = [];
async function compare(label: string, otherDb: string, thisDb: string) {
  const before = await start(otherDir, otherDb);
  const after = await start(process.cwd(), thisDb);
  try {
    for (const route of routes) {
      // The checkout before is the baseline of the pair, the one after is the route measured against it.
      const r = await paired(target(before, route, `before-${label}`), target(after, route, `after-${label}`));
      lines.push(`| ${route}, ${label} | ${r.baseline.toFixed(0)} | ${r.rps.toFixed(0)} | ${(r.rps / r.baseline).toFixed(3)} | ${r.p50} | ${r.p99} | ${r.errors} |`);
    }
  } finally {
    await before.stop();
    await after.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'undersign-compare-'));
try {
  await compare('SQLite', join(dir, 'before.sqlite'), join(dir, 'after.sqlite'));
  const a = await postgresDatabase('before', 'undersign_compare');
  const b = a && (await postgresDatabase('after', 'undersign_compare'));
  try {
    if (a && b) await compare('PostgreSQL', a.url, b.url);
    else lines.push(`| PostgreSQL not reachable at ${POSTGRES_ADMIN}: skipped | | | | | | |`);
  } finally {
    await a?.drop();
    await b?.drop();
  }
  console.log(`\n${otherDir} (before) against ${process.cwd()} (after): ${CONNECTIONS} connections, ${DURATION} s per side in ${ROUNDS} alternating slices (${new Date().toISOString()})\n`);
  console.log('| route | before req/s | after req/s | after/before | after p50 ms | after p99 ms | after errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const l of lines) console.log(l);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
