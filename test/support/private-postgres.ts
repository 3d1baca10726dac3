import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.ts';

/**
 * A PostgreSQL cluster of the test's own, on a free port, that the test may restart, stop and
 * start: the shared server on 5432 must never be touched. Needs Debian's postgresql binaries; run
 * as root, the server runs as the postgres user (initdb refuses root).
 */
export interface PrivatePostgres {
  url: string;
  port: number;
  /**
   * pg_ctl restart -m fast: every connection is ended with 57P01, as an operator's restart does.
   * Asynchronous, so a server in this process keeps running through it.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its files. */
  destroy(): void;
}

const binDir = (): string | null => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(a) - Number(b));
  return versions.length > 0 ? join(root, versions.at(-1)!, 'bin') : null;
};

/** Why a private cluster cannot run here, or null when it can. */
export function privatePostgresUnavailable(): string | null {
  if (!binDir()) return 'no PostgreSQL binaries under /usr/lib/postgresql';
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root with no postgres user to run the server';
    }
  }
  return null;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir()!;
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'undersign-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(data, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const run = (tool: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  // Durability is not under test here: fsync off keeps the cluster quick on a busy machine.
  const options = `-p ${port} -k ${data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const ctlArgs = (args: string[]) => ['-D', data, '-o', options, '-l', join(data, 'log'), '-w', '-t', '30', ...args];
  const ctl = (...args: string[]) => run('pg_ctl', ctlArgs(args));
  const ctlAsync = async (...args: string[]) => {
    const tool = join(bin, 'pg_ctl');
    await promisify(execFile)(asRoot ? 'runuser' : tool, asRoot ? ['-u', 'postgres', '--', tool, ...ctlArgs(args)] : ctlArgs(args), { timeout: 60_000 });
  };
  ctl('start');
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'undersign']);
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/undersign`,
    port,
    restart: () => ctlAsync('restart', '-m', 'fast'),
    stop: () => ctlAsync('stop', '-m', 'fast'),
    start: () => ctlAsync('start'),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        ctl('stop', '-m', 'immediate');
      } catch {
        // Already stopped.
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}
