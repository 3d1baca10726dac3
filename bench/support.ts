import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

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
 * side), after a second's warm-up of each. These machines' speed drifts by a third within minutes,
 * so a baseline measured minutes before its route made ratios swing between identical runs; slices
 * side by side share the drift. Requests per second: the mean of the slices; p50 their median; p99
 * the worst slice's.
 */
export async function paired(baseline: Target, route: Target, connections = CONNECTIONS): Promise<Figures & { baseline: number }> {
  const slice = DURATION / ROUNDS;
  await load(baseline.url, baseline.request, connections, 1);
  await load(route.url, route.request, connections, 1);
  const base: Figures[] = [];
  const real: Figures[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    base.push(await load(baseline.url, baseline.request, connections, slice));
    real.push(await load(route.url, route.request, connections, slice));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    rps: mean(real.map((f) => f.rps)),
    p50: median(real.map((f) => f.p50)),
    p99: Math.max(...real.map((f) => f.p99)),
    ok: real.reduce((a, f) => a + f.ok, 0),
    errors: real.reduce((a, f) => a + f.errors, 0),
    baseline: mean(base.map((f) => f.rps)),
  };
}
