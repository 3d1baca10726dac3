import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';

export const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 256);

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface Server {
  child: ChildProcess;
  url: string;
  /** Resident memory in MiB, read from /proc. */
  rssMiB(): number;
  stop(): Promise<void>;
}

/** Starts a server process on a free port and waits until /healthz answers; `cwd` is the checkout it runs from (tsx reads its tsconfig there). */
export async function startServer(args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env, PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 300; i++) {
    if (exited) throw new Error(`server ${args.join(' ')} exited before it answered`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    rssMiB: () => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        return kb / 1024;
      } catch {
        return 0;
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

type Request = autocannon.Request;

/** Loads a server with autocannon for DURATION seconds (or `duration`); `onOk` hears each 2xx with the request's context. */
export async function load(url: string, request: Request, connections = CONNECTIONS, duration = DURATION): Promise<Figures> {
  const result = await autocannon({ url, connections, duration, requests: [request] });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok: result['2xx'], errors: result.errors + result.non2xx + result.timeouts };
}

/** Samples a server's memory every half second while `work` runs. */
export async function withMemory<T>(server: Server, work: () => Promise<T>): Promise<{ value: T; startMiB: number; peakMiB: number; endMiB: number }> {
  const startMiB = server.rssMiB();
  let peakMiB = startMiB;
  const timer = setInterval(() => (peakMiB = Math.max(peakMiB, server.rssMiB())), 500);
  try {
    const value = await work();
    return { value, startMiB, peakMiB, endMiB: server.rssMiB() };
  } finally {
    clearInterval(timer);
  }
}

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

export interface Target {
  url: string;
  request: Request;
}

/**
 * A route and its bare baseline loaded in alternating slices (ROUNDS of each, DURATION in all per
 * side), after a second's warm-up of each, which goes first swapping every round. These machines'
 * speed drifts by a third within minutes, so a baseline measured minutes before its route made ratios
 * swing between identical runs; slices side by side share the drift. With a fixed order the side
 * loaded first came out 2-4 % ahead when both sides ran the same code (npm run bench:compare).
 */
export async function paired(baseline: Target, route: Target, connections = CONNECTIONS): Promise<Figures & { baseline: number }> {
  const slice = DURATION / ROUNDS;
  await load(baseline.url, baseline.request, connections, 1);
  await load(route.url, route.request, connections, 1);
  const base: Figures[] = [];
  const real: Figures[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const first = i % 2 === 0;
    if (first) base.push(await load(baseline.url, baseline.request, connections, slice));
    real.push(await load(route.url, route.request, connections, slice));
    if (!first) base.push(await load(baseline.url, baseline.request, connections, slice));
  }
  return { ...summarise(real), baseline: summarise(base).rps };
}

/** Slices of one load as one figure: requests per second the mean of the slices, p50 their median, p99 the worst slice's. */
export function summarise(slices: Figures[]): Figures {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    rps: slices.reduce((a, f) => a + f.rps, 0) / slices.length,
    p50: median(slices.map((f) => f.p50)),
    p99: Math.max(...slices.map((f) => f.p99)),
    ok: slices.reduce((a, f) => a + f.ok, 0),
    errors: slices.reduce((a, f) => a + f.errors, 0),
  };
}

export const POSTGRES_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh PostgreSQL database named `${prefix}_${pid}_${suffix}`, or null when PostgreSQL is not reachable. */
export async function postgresDatabase(suffix: string, prefix = 'undersign_bench'): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `${prefix}_${process.pid}_${suffix}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
