import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sqliteDatabase } from './support/engines.ts';
import { openConfiguredStore } from '../src/main.ts';

const cli = (args: string[], env: Record<string, string>, input = '') =>
  spawnSync(process.execPath, ['bin/undersign.js', ...args], { input, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

test('an operator creates a moderator from the command line, with an argon2id password', async () => {
  const db = sqliteDatabase();
  const env = { DATABASE_URL: db.url, DEMO: '0', NODE_ENV: 'test' };
  try {
    const weak = cli(['create-moderator', '--email', 'mo@example.org'], env, 'short\n');
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /at least 12 characters/);
    const made = cli(['create-moderator', '--email', 'Mo@Example.org'], env, 'a long enough passphrase\n');
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /Moderator mo@example.org is ready/);
    const store = await openConfiguredStore({ databaseUrl: db.url });
    try {
      const user = await store.findUserByEmail('mo@example.org');
      assert.equal(user?.role, 'moderator');
      assert.ok(user?.passwordHash?.startsWith('$argon2id$'));
    } finally {
      await store.close();
    }
  } finally {
    await db.drop();
  }
});
