import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import semver from 'semver';

// Issue 14 item 11: npm warns that two packages want Node 22 while we promise Node 20.19. They are
// ES-module-only packages that CommonJS plugins load with require(), which Node runs unflagged
// from 20.19 (require(esm)); their engines field says 22 because that was the first line to have
// it. These tests show they load and work here, and catch any new package that wants a newer Node.
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { engines?: { node?: string }; version?: string }> };
const promised = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
const lowest = semver.minVersion(promised)!.version;
const KNOWN = ['node_modules/content-disposition', 'node_modules/cookie'];

test('we promise Node 20.19 or later, and this is such a Node', () => {
  assert.equal(lowest, '20.19.0');
  assert.ok(semver.satisfies(process.versions.node, promised), process.versions.node);
});

test('the only installed packages that ask for a newer Node are the two known ES-module ones', () => {
  const newer = Object.entries(lock.packages)
    .filter(([path, p]) => path && p.engines?.node && !semver.satisfies(lowest, p.engines.node))
    .map(([path]) => path)
    .sort();
  assert.deepEqual(newer, KNOWN, 'a new package wants a newer Node than package.json promises: check it runs on Node 20, then add it here with the reason');
  for (const path of KNOWN) {
    const manifest = JSON.parse(readFileSync(`${path}/package.json`, 'utf8')) as { type?: string };
    assert.equal(manifest.type, 'module', `${path} is an ES module package: it asks for Node 22 only for require(esm)`);
  }
});

test('cookie loads with require() from the plugins that use it, and parses and writes cookies', () => {
  for (const dependant of ['@fastify/cookie', 'light-my-request']) {
    const load = createRequire(createRequire(import.meta.url).resolve(`${dependant}/package.json`));
    const cookie = load('cookie') as { parseCookie(s: string): Record<string, string>; stringifySetCookie(c: { name: string; value: string; httpOnly?: boolean }): string };
    assert.deepEqual({ ...cookie.parseCookie('us_session=abc.def; theme=dark') }, { us_session: 'abc.def', theme: 'dark' });
    assert.equal(cookie.stringifySetCookie({ name: 'a', value: '1', httpOnly: true }), 'a=1; HttpOnly');
  }
});

test('content-disposition loads with require() from @fastify/static and names a download', () => {
  const load = createRequire(createRequire(import.meta.url).resolve('@fastify/static'));
  const { create } = load('content-disposition') as { create(name: string): string };
  assert.equal(create('signatures 2026.csv'), 'attachment; filename="signatures 2026.csv"');
  assert.equal(create('pétition.csv'), `attachment; filename="p?tition.csv"; filename*=UTF-8''p%C3%A9tition.csv`);
});
