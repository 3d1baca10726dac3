import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/**
 * `npm run bench` in miniature: one-second slices at 32 connections, and mail rows of a few dozen
 * mails through a relay that waits 5 ms per message. Its figures mean nothing at this size and are
 * not looked at; what is checked is that the bench still runs end to end and that its own checks
 * pass: every acknowledged signature stored, every count column equal to its rows, every
 * acknowledged signer mailed exactly once, the count moved by the links followed, every queued mail
 * drained once.
 */
test('the benchmark runs end to end and loses no acknowledged signature', { timeout: 300_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
    env: {
      ...process.env, BENCH_SECONDS: '1', BENCH_ROUNDS: '1', BENCH_CONNECTIONS: '32', BENCH_ONLY: '',
      // Small enough for today's worker (about 8 mails a second) to deliver within the deadlines.
      BENCH_JOURNEY_RATES: '20', BENCH_JOURNEY_SECONDS: '1', BENCH_BACKLOG: '40', BENCH_MAIL_DELAY_MS: '5', BENCH_MAIL_BASELINE: '200',
      BENCH_MAIL_DEADLINE: '30', BENCH_DRAIN_DEADLINE: '30', BENCH_BULK: '60', BENCH_BULK_RATE: '20',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, out);
  assert.match(out, /\| route \| req\/s \| p50 ms \| p99 ms \| baseline req\/s \| ratio \|/);
  // Columns: route, req/s, p50, p99, baseline req/s, ratio, 2xx, errors, notes.
  const rows = new Map(out.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.split('|').map((c) => c.trim())).map((cells) => [cells[1]!, cells]));
  for (const route of ['floor: bare POST + group-committed row in our schema, SQLite', 'POST signatures, SQLite', 'GET count, SQLite', 'GET petition page, SQLite', 'GET confirmation link, SQLite']) {
    const cells = rows.get(route);
    assert.ok(cells, `a row for ${route}`);
    assert.ok(Number(cells[7]) > 0, `${route}: answered`);
    assert.equal(cells[8], '0', `${route}: no errors`);
  }
  assert.match(out, /^SQLite: \d+ signatures acknowledged, 0 of them missing; count column (\d+) = confirmed rows \1: OK$/m);
  assert.match(out, /^\| mail row \| arrivals\/s offered \| acknowledged \| delivered \| mails\/s \| ratio to bare sender \|/m);
  assert.match(out, /^bare sender: .*: OK$/m);
  const engines = process.env.TEST_POSTGRES_URL ? ['SQLite', 'PostgreSQL'] : ['SQLite'];
  for (const engine of engines) {
    assert.match(out, new RegExp(`^${engine}, signer journey at 20/s: \\d+ acknowledged, .*: OK$`, 'm'));
    assert.match(out, new RegExp(`^${engine}, signer journey at 20/s with 60 update mails queued: \\d+ acknowledged, .*: OK$`, 'm'));
    assert.match(out, new RegExp(`^${engine}, bulk update's cost to a new signer at 20/s: p95 wait \\d+ ms with 60 update mails queued, \\d+ ms without, [+-]\\d+ ms `, 'm'));
    assert.match(out, new RegExp(`^\\| signer journey, 20 arrivals/s for 1 s with 60 update mails queued, ${engine} \\|.*\\| p95 wait [+-]\\d+ ms against the same journey`, 'm'));
    assert.match(out, new RegExp(`^${engine}, backlog drain: 40 queued, .*: OK$`, 'm'));
  }
  if (process.env.TEST_POSTGRES_URL) {
    assert.match(out, /^PostgreSQL: \d+ signatures acknowledged, 0 of them missing; count column (\d+) = confirmed rows \1: OK$/m);
    assert.match(out, /^PostgreSQL, 2 processes: \d+ acknowledged; count column (\d+) = confirmed rows \1: OK$/m);
  }
});
