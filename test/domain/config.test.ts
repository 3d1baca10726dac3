import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';

test('defaults give the embedded SQLite file, the dev outbox and demo content', () => {
  const c = loadConfig({});
  assert.equal(c.databaseUrl, './data/undersign.sqlite');
  assert.equal(c.smtpUrl, null);
  assert.equal(c.demo, true);
  assert.equal(c.baseUrl, 'http://localhost:3000');
  assert.equal(c.signatureConfirmation, 'email');
});

test('PostgreSQL starts without demo content unless asked', () => {
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }).demo, false);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db', DEMO: '1' }).demo, true);
});

test('every problem is listed at once', () => {
  try {
    loadConfig({ PORT: 'abc', SIGNATURE_CONFIRMATION: 'maybe', SMTP_URL: 'http://x', NODE_ENV: 'production' });
    assert.fail('expected a ConfigError');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.problems.length, 4);
    assert.match(error.message, /PORT/);
    assert.match(error.message, /SIGNATURE_CONFIRMATION/);
    assert.match(error.message, /SMTP_URL/);
    assert.match(error.message, /SESSION_SECRET/);
  }
});

test('live-count streams per client: 20 unless set, and a whole number of at least 1', () => {
  assert.equal(loadConfig({}).liveStreamsPerClient, 20);
  assert.equal(loadConfig({ LIVE_CONNECTIONS_PER_CLIENT: '5' }).liveStreamsPerClient, 5);
  for (const bad of ['0', '-3', 'lots', '2.5']) {
    assert.throws(() => loadConfig({ LIVE_CONNECTIONS_PER_CLIENT: bad }), (e: unknown) => e instanceof ConfigError && /LIVE_CONNECTIONS_PER_CLIENT/.test(e.message), bad);
  }
});

test('share cards: one drawing thread and 20 drawings a minute per client unless set, each a whole number of at least 1', () => {
  assert.equal(loadConfig({}).shareCardThreads, 1);
  assert.equal(loadConfig({}).shareCardDrawsPerClient, 20);
  assert.equal(loadConfig({ SHARE_CARD_THREADS: '2', SHARE_CARD_DRAWS_PER_CLIENT: '60' }).shareCardThreads, 2);
  assert.equal(loadConfig({ SHARE_CARD_THREADS: '2', SHARE_CARD_DRAWS_PER_CLIENT: '60' }).shareCardDrawsPerClient, 60);
  for (const name of ['SHARE_CARD_THREADS', 'SHARE_CARD_DRAWS_PER_CLIENT']) {
    for (const bad of ['0', 'many', '1.5']) {
      assert.throws(() => loadConfig({ [name]: bad }), (e: unknown) => e instanceof ConfigError && e.message.includes(name), `${name}=${bad}`);
    }
  }
});
