import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SERVER_NODE_FLAGS, withServerFlags } from '../src/cluster.ts';

test('npm start runs the server with the Node flags the cluster gives its workers', () => {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  for (const flag of SERVER_NODE_FLAGS) assert.ok(start.split(' ').includes(flag), `npm start lacks ${flag}: ${start}`);
});

test('cluster workers get the server flags the primary lacks, and keep an operator’s own value', () => {
  assert.deepEqual(withServerFlags(['--import', 'tsx']), ['--import', 'tsx', ...SERVER_NODE_FLAGS]);
  const own = withServerFlags(['--max-semi-space-size=32']);
  assert.deepEqual(own.filter((f) => f.startsWith('--max-semi-space-size')), ['--max-semi-space-size=32']);
});
