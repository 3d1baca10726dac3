/**
 * Share cards in a burst (issue 14, item 5; decision 0039): a server process on SQLite with
 * SHARE_BURST_PETITIONS (300) public petitions gets share.png requests at SHARE_BURST_RATE (52) a
 * second, round robin over the petitions, for SHARE_BURST_SECONDS (20), while this process asks
 * /healthz every 100 ms. Prints both latencies, the answers by status, and the server's CPU time:
 * its main thread's and the whole process's (drawing threads included), from /proc.
 * SHARE_BURST_RATE=0 asks for no cards: the same probe against an idle server, for comparison.
 *
 * `node --import tsx bench/share-card-burst.ts [app directory]`: another checkout (the code before a
 * change) runs the same load; run it from that directory, whose tsconfig tsx then reads. Server
 * settings come from the environment too (e.g. RATE_LIMIT=off).
 */
import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from './support.ts';

const APP = resolve(process.argv[2] ?? '.');
const PETITIONS = Number(process.env.SHARE_BURST_PETITIONS ?? 300);
const RATE = Number(process.env.SHARE_BURST_RATE ?? 52);
const SECONDS = Number(process.env.SHARE_BURST_SECONDS ?? 20);
const from = (path: string) => import(pathToFileURL(join(APP, path)).href);

/** utime + stime of a thread or process, in ms (clock ticks of 10 ms). */
const cpuMs = (statPath: string): number => {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

const dir = mkdtempSync(join(tmpdir(), 'undersign-share-burst-'));
const databaseUrl = join(dir, 'bench.sqlite');
try {
  // The petitions, written by the app's own store (its migrations), before the server starts.
  const { openEngine } = await from('src/store/engine.ts');
  const { openStore } = await from('src/store/kysely-store.ts');
  const { petitionInput } = await from('test/support/builders.ts');
  const store = await openStore(openEngine(databaseUrl));
  const slugs: string[] = [];
  for (let i = 1; i <= PETITIONS; i++) {
    const p = await store.createPetition(petitionInput({ slug: `share-burst-${i}`, title: `Keep branch library ${i} open on Sundays`, target: 'Riverside Council' }));
    slugs.push(p.slug);
  }
  await store.close();

  const { SERVER_NODE_FLAGS } = await from('src/cluster.ts');
  const server = await startServer([...SERVER_NODE_FLAGS, join(APP, 'bin/undersign.js'), 'serve'], {
    DATABASE_URL: databaseUrl, DEMO: '0', LOG_LEVEL: 'warn', NODE_ENV: 'production', SESSION_SECRET: 'b'.repeat(40),
  });
  const pid = server.child.pid!;
  try {
    const healthz: number[] = [];
    let running = true;
    const probe = (async () => {
      while (running) {
        const start = performance.now();
        await (await fetch(`${server.url}/healthz`)).arrayBuffer();
        healthz.push(performance.now() - start);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const mainBefore = cpuMs(`/proc/${pid}/task/${pid}/stat`);
    const allBefore = cpuMs(`/proc/${pid}/stat`);
    let n = 0;
    // SHARE_BURST_RATE=0: no cards, only the probe, for the machine's own /healthz latency.
    const result =
      RATE > 0
        ? await autocannon({
            url: server.url,
            connections: 32,
            overallRate: RATE,
            duration: SECONDS,
            requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/petitions/${slugs[n++ % slugs.length]}/share.png` }) }],
          })
        : undefined;
    if (!result) await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const mainMs = cpuMs(`/proc/${pid}/task/${pid}/stat`) - mainBefore;
    const allMs = cpuMs(`/proc/${pid}/stat`) - allBefore;
    running = false;
    await probe;

    console.log(`app ${APP}; ${PETITIONS} petitions, ${RATE} cards/s for ${SECONDS} s, RATE_LIMIT=${process.env.RATE_LIMIT ?? 'on'}`);
    if (result) {
      const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => `${code}: ${(s as { count: number }).count}`).join(', ');
      console.log(`| cards answered | ${result.requests.total} (${statuses}; errors ${result.errors}, timeouts ${result.timeouts}) |`);
      console.log(`| share.png latency ms | p50 ${result.latency.p50}, p99 ${result.latency.p99}, max ${result.latency.max} |`);
    }
    console.log(`| /healthz latency ms (${healthz.length} probes) | p50 ${percentile(healthz, 50).toFixed(1)}, p99 ${percentile(healthz, 99).toFixed(1)}, max ${Math.max(...healthz).toFixed(1)} |`);
    console.log(`| server CPU ms | main thread ${mainMs}, whole process ${allMs} (${((mainMs / (SECONDS * 1000)) * 100).toFixed(0)} % of a core on the main thread) |`);
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
