import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sqliteDatabase } from './support/engines.ts';
import { startTestServer } from './support/server.ts';

const cli = (args: string[], env: Record<string, string>, input = '') =>
  spawnSync(process.execPath, ['bin/undersign.js', ...args], { input, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

test('an operator migrates, creates an administrator and a token, and the token works on the API', async () => {
  const db = sqliteDatabase();
  const env = { DATABASE_URL: db.url, DEMO: '0', NODE_ENV: 'test' };
  try {
    const migrate = cli(['migrate'], env);
    assert.equal(migrate.status, 0, migrate.stderr);
    assert.match(migrate.stdout, /Migrations applied \(sqlite\)/);

    const weak = cli(['create-admin', '--email', 'ops@example.org'], env, 'short\n');
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /at least 12 characters/);

    const admin = cli(['create-admin', '--email', 'Ops@Example.org'], env, 'a long enough passphrase\n');
    assert.equal(admin.status, 0, admin.stderr);
    assert.match(admin.stdout, /ops@example.org/);

    const token = cli(['create-token', '--email', 'ops@example.org', '--name', 'ci'], env);
    assert.equal(token.status, 0, token.stderr);
    const secret = token.stdout.trim();
    assert.match(secret, /^us_[A-Za-z0-9_-]{40,}$/);

    const server = await startTestServer({ DATABASE_URL: db.url });
    try {
      const res = await server.postJson('/api/v1/petitions', { title: 'Made by the CLI token', target: 'Council', body: 'b', why: 'w' }, { authorization: `Bearer ${secret}` });
      assert.equal(res.status, 201);
      const stored = await server.store.findUserByEmail('ops@example.org');
      assert.ok(stored?.passwordHash?.startsWith('$argon2id$'), 'passwords are stored as argon2id hashes');
    } finally {
      await server.close();
    }
  } finally {
    await db.drop();
  }
});

test('an unknown command prints the usage and fails', () => {
  const r = cli(['frobnicate'], { DATABASE_URL: ':memory:' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /undersign serve/);
});

test('bad configuration is refused with every problem listed', () => {
  const r = cli(['migrate'], { PORT: 'x', SIGNATURE_CONFIRMATION: 'sometimes' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /PORT/);
  assert.match(r.stderr, /SIGNATURE_CONFIRMATION/);
});
