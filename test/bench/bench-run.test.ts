import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/**
 * `npm run bench` in miniature: one-second slices at 32 connections. Its figures mean nothing at
 * this size and are not looked at; what is checked is that the bench still runs end to end and that
 * its own checks pass: every acknowledged signature stored, every count column equal to its rows.
 */
test('the benchmark runs end to end and loses no acknowledged signature', { timeout: 300_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
    env: { ...process.env, BENCH_SECONDS: '1', BENCH_ROUNDS: '1', BENCH_CONNECTIONS: '32' },
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
  if (process.env.TEST_POSTGRES_URL) {
    assert.match(out, /^PostgreSQL: \d+ signatures acknowledged, 0 of them missing; count column (\d+) = confirmed rows \1: OK$/m);
    assert.match(out, /^PostgreSQL, 2 processes: \d+ acknowledged; count column (\d+) = confirmed rows \1: OK$/m);
  }
});
