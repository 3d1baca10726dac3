import cluster from 'node:cluster';
import type { Config } from './config.ts';
import { openConfiguredStore, startServer } from './main.ts';
import { stopOnSignals } from './shutdown.ts';
import { seedDemo } from './services/seed-demo.ts';

/**
 * Node flags a server process should run with; `npm start` passes the same. A young generation of
 * 64 MB semi-spaces (V8's default tops out at 16) cut garbage collection on the signing path, where
 * hundreds of requests wait for their commit at once (decision 0025).
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

export function withServerFlags(execArgv: string[]): string[] {
  const named = (flag: string) => flag.split('=')[0]!;
  return [...execArgv, ...SERVER_NODE_FLAGS.filter((f) => !execArgv.some((a) => named(a) === named(f)))];
}

/**
 * `undersign serve --workers N`: N identical processes sharing one port (Node's cluster module), for
 * PostgreSQL. Nothing in a process is state another needs: counts and signatures live in the
 * database, limits in Redis, outbox claims are SKIP LOCKED. The primary migrates and seeds once,
 * then only supervises: a worker that dies is replaced.
 */
export async function serveCluster(config: Config, workers: number): Promise<void> {
  if (!cluster.isPrimary) {
    // The relay's quota is the site's: each of the N processes keeps to its share.
    const mailRatePerSecond = config.mailRatePerSecond && Math.max(1, Math.floor(config.mailRatePerSecond / workers));
    const running = await startServer({ ...config, demo: false, mailRatePerSecond });
    process.send?.({ listening: running.address, engine: running.store.engine });
    stopOnSignals(running, config.shutdownTimeoutMs, running.app.log);
    return;
  }
  if (!config.databaseUrl.startsWith('postgres')) {
    throw new Error('--workers needs PostgreSQL (DATABASE_URL=postgres://…): SQLite has one writer, so more processes only add contention.');
  }
  const store = await openConfiguredStore(config);
  if (config.demo) await seedDemo(store, new Date());
  await store.close();

  // Workers get the server's Node flags however the primary was started (`npx undersign`, a unit file).
  cluster.setupPrimary({ execArgv: withServerFlags(process.execArgv) });
  let stopping = false;
  let announced = false;
  cluster.on('message', (_worker, message: { listening?: string; engine?: string }) => {
    if (message.listening && !announced) {
      announced = true;
      console.log(`Undersign is listening on ${message.listening} (${message.engine}, ${workers} processes)`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} stopped (${signal ?? code}); starting another`);
    cluster.fork();
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  // Each worker stops within SHUTDOWN_TIMEOUT by itself; the primary waits a little longer for them,
  // then kills what is left and exits 1 (decision 0038). A second signal changes nothing.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    const running = () => Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && !w.isDead());
    console.log(`shutting down on ${signal}: stopping ${running().length} workers within SHUTDOWN_TIMEOUT (${config.shutdownTimeoutMs / 1000} s)`);
    let failed = false;
    const deadline = setTimeout(() => {
      const left = running();
      console.error(`shutdown did not finish within SHUTDOWN_TIMEOUT (${config.shutdownTimeoutMs / 1000} s) and ${PRIMARY_GRACE_MS / 1000} s; killing workers ${left.map((w) => w!.process.pid).join(', ')}`);
      for (const worker of left) worker!.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownTimeoutMs + PRIMARY_GRACE_MS);
    const exitWhenAllHave = () => {
      if (running().length > 0) return;
      clearTimeout(deadline);
      console.log(`stopped in ${Date.now() - started} ms`);
      process.exit(failed ? 1 : 0);
    };
    // isDead, not the workers list: a worker leaves the list only once it has both exited and disconnected.
    cluster.on('exit', (_worker, code) => {
      if (code !== 0) failed = true;
      exitWhenAllHave();
    });
    for (const worker of running()) worker!.process.kill('SIGTERM');
    exitWhenAllHave();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** How much longer than a worker's own deadline the primary waits for it before killing it. */
const PRIMARY_GRACE_MS = 2000;
