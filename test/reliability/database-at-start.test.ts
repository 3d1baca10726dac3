import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { freePort } from '../support/server.ts';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';

/** `undersign serve` in its own process: its output, and its exit code once it exits. */
function serve(env: Record<string, string>, port: number) {
  const child = spawn(process.execPath, ['bin/undersign.js', 'serve'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DEMO: '0', SESSION_SECRET: 's'.repeat(40), ...env, PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

// Issue 20: PostgreSQL not answering at start. Before, migration never timed out and the process
// hung with no log line.
describe('a database that is not answering at start', () => {
  test('is waited for with a line per try, then start-up fails non-zero at DB_START_TIMEOUT, naming no password', async () => {
    const nothingThere = await freePort();
    const started = Date.now();
    const server = serve({ DATABASE_URL: `postgres://undersign:hunter2@127.0.0.1:${nothingThere}/undersign`, DB_START_TIMEOUT: '3' }, await freePort());
    const code = await Promise.race([server.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
    if (code === 'hung') server.child.kill('SIGKILL');
    assert.notEqual(code, 'hung', `the process gave up: ${server.output()}`);
    assert.notEqual(code, 0);
    assert.ok(Date.now() - started < 20_000);
    const output = server.output();
    assert.match(output, new RegExp(`waiting for the database at 127\\.0\\.0\\.1:${nothingThere}/undersign \\(.*\\); try 1`));
    assert.match(output, /did not answer within DB_START_TIMEOUT \(3 s\)/);
    assert.doesNotMatch(output, /hunter2/);
  });

  describe('and then comes up', { skip: privatePostgresUnavailable() ?? false }, () => {
    let db: PrivatePostgres;
    before(async () => {
      db = await startPrivatePostgres();
      await db.stop();
    });
    after(() => db?.destroy());

    test('the server starts as soon as it answers, without a restart', async () => {
      const port = await freePort();
      const server = serve({ DATABASE_URL: db.url, DB_START_TIMEOUT: '60' }, port);
      try {
        // However slowly the process starts on a busy machine, it says what it waits for, and waits.
        for (let i = 0; i < 300 && !/waiting for the database/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
        assert.match(server.output(), /waiting for the database/);
        assert.equal(server.child.exitCode, null, `still waiting: ${server.output()}`);
        await db.start();
        let up = false;
        for (let i = 0; i < 200 && !up; i++) {
          up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
          if (!up) await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(up, `serving once the database answered: ${server.output()}`);
        assert.match(server.output(), /answered; starting/);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    });
  });
});
