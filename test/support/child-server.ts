import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './server.ts';

/** The real `undersign serve` in its own process, for tests that kill it or run two of them. */
export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Everything it wrote, for failure messages. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export async function spawnServer(env: Record<string, string>, args: string[] = []): Promise<ChildServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/undersign.js', 'serve', ...args], {
    // Load shedding off unless a test turns it on, as in server.ts: loads on two busy cores would trip it.
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', RATE_LIMIT: 'off', SIGNATURE_CONFIRMATION: 'none', SESSION_SECRET: 's'.repeat(40), MAX_EVENT_LOOP_DELAY_MS: '0', ...env, PORT: String(port), BASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited at start: ${output}`);
    const up = await fetch(`${url}/api/v1/categories`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, child, output: () => output, exited };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not start: ${output}`);
}

/**
 * Signers hammering one petition from `concurrency` connections until `stop()` says so; records
 * which emails the server acknowledged (2xx) and which were sent at all.
 */
export function signingLoad(urls: string[], slug: string, tag: string, concurrency: number) {
  const acknowledged = new Set<string>();
  const attempted = new Set<string>();
  /** How many answers of each status. */
  const statuses = new Map<number, number>();
  let unanswered = 0;
  let running = true;
  let n = 0;
  const worker = async (url: string) => {
    while (running) {
      const email = `${tag}-${n++}@example.org`;
      attempted.add(email);
      try {
        const res = await fetch(`${url}/api/v1/petitions/${slug}/signatures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Load Signer', email }) });
        await res.arrayBuffer();
        if (res.ok) acknowledged.add(email);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      } catch {
        if (running) unanswered++;
        // The server went away mid-request: not acknowledged, so the signer would try again.
        if (!running) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, (_, i) => worker(urls[i % urls.length]!)));
  return {
    acknowledged,
    attempted,
    statuses,
    /** Requests refused or dropped without an answer while the load ran. */
    refused: () => unanswered,
    stop: async () => {
      running = false;
      await done;
    },
  };
}
