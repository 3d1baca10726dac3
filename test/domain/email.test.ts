import { test } from 'node:test';
import assert from 'node:assert/strict';
import validator from 'validator';
import { canonicalDomain, canonicalEmail, deliveredMailbox, isEmailAddress } from '../../src/domain/email.ts';

const canonical = (raw: string) => canonicalEmail(raw).address;

test('surrounding spaces and case do not make a second signer', () => {
  assert.equal(canonical('  Ada.Lovelace@Example.ORG \n'), 'ada.lovelace@example.org');
});

test('plus tags and dots are kept: they can be different people', () => {
  assert.notEqual(canonical('ada+news@example.org'), canonical('ada@example.org'));
  assert.notEqual(canonical('a.da@example.org'), canonical('ada@example.org'));
});

test('the same visible address in two Unicode forms has one key', () => {
  assert.equal(canonical('jose\u0301@example.org'), canonical('jos\u00e9@example.org'));
});

test('an international domain has one key, its ASCII form, however it is typed', () => {
  assert.equal(canonical('idn@exämple.com'), 'idn@xn--exmple-cua.com');
  assert.equal(canonical('idn@xn--exmple-cua.com'), 'idn@xn--exmple-cua.com');
  assert.equal(canonical('IDN@EXÄMPLE.COM'), 'idn@xn--exmple-cua.com');
  assert.equal(canonical('a@ｅxample.org'), 'a@example.org', 'full-width letters in a domain are the ASCII ones');
});

test('invisible characters anywhere in an address are refused, not dropped', () => {
  for (const raw of ['victim@example.com\u200b', 'vic\u200btim@example.com', 'victim@exa\u00admple.com', 'vic\u2060tim@example.com', '\ufeffvictim@example.com\u200d', 'victim\u202e@example.com', 'vic\u0007tim@example.com', 'victim@example.com\ufe0f']) {
    assert.deepEqual(canonicalEmail(raw), { problem: 'invisible' }, JSON.stringify(raw));
  }
});

test('quoted local parts are refused: a relay delivers "victim"@ to victim@', () => {
  assert.deepEqual(canonicalEmail('"victim"@example.com'), { problem: 'quoted' });
  assert.deepEqual(canonicalEmail('"vic tim"@example.com'), { problem: 'quoted' });
});

test('what is not an address is refused as such', () => {
  for (const raw of ['', 'a@b', 'a@[127.0.0.1]', 'a@example.org.', 'a b@example.org', 'a@exa mple.org', 'a@b@example.org', 'a@ex_ample.org', 'a@xn--zz.com', '@example.org', 'a@']) {
    assert.deepEqual(canonicalEmail(raw), { problem: 'format' }, JSON.stringify(raw));
  }
});

test('every canonical address is its own canonical form and a valid address', () => {
  for (const raw of ['Ada@Example.org', 'idn@exämple.com', 'josé@Example.org', "o'brien+news@example.org", 'a@ｅxample.org']) {
    const address = canonical(raw)!;
    assert.equal(canonical(address), address);
    assert.ok(isEmailAddress(address));
  }
});

test('a stored address from before canonical addresses is read as the mailbox it reached', () => {
  assert.equal(deliveredMailbox('vic\u200btim@example.com'), 'victim@example.com');
  assert.equal(deliveredMailbox('victim@exa\u00admple.com'), 'victim@example.com');
  assert.equal(deliveredMailbox('"victim"@example.com'), 'victim@example.com');
  assert.equal(deliveredMailbox('"vic tim"@example.com'), '"vic tim"@example.com', 'a quoted part with a space is a different mailbox');
});

test('a typed domain is canonical like an address\'s', () => {
  assert.equal(canonicalDomain('Exämple.COM'), 'xn--exmple-cua.com');
  assert.equal(canonicalDomain(' ox.ac.uk '), 'ox.ac.uk');
  assert.equal(canonicalDomain('exa\u00admple.com'), null);
  assert.equal(canonicalDomain('localhost'), null);
});

test('isEmailAddress answers exactly as validator.isEmail does', () => {
  const fixed = [
    'ada@example.org', 'Ada.Lovelace@Example.ORG', 'a@b.co', 'a@b.c', 'a@b', 'a@-b.org', 'a@b-.org', 'a@b_c.org', 'a@1.23', 'a@xn--p1ai.xn--p1ai',
    'a..b@example.org', '.a@example.org', 'a.@example.org', '"quoted"@example.org', 'a@@example.org', 'a@example..org', 'a@[127.0.0.1]', 'josé@example.org',
    'a@exämple.org', ' a@example.org', 'a@example.org ', 'a b@example.org', `${'a'.repeat(64)}@example.org`, `${'a'.repeat(65)}@example.org`,
    `a@${'b'.repeat(63)}.org`, `a@${'b'.repeat(64)}.org`, `${'a'.repeat(60)}@${'b.'.repeat(95)}org`, `a@example.${'o'.repeat(63)}`, `a@example.${'o'.repeat(64)}`,
    "o'brien+news@example.org", 'a{b}|c~@example.org', 'a@example.org.', 'a@.example.org', 'Ａ@example.org', 'a@ex\uff01ample.org', '',
  ];
  // Random strings over the characters that decide the answer, and random near-addresses.
  let seed = 42;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const alphabet = ['a', 'Z', '0', '-', '_', '.', '@', '+', '"', ' ', '%', '{', 'é', '\uff01', '[', ']', 'xn--', 'org'];
  const pick = (n: number) => Array.from({ length: n }, () => alphabet[random(alphabet.length)]).join('');
  const generated = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? pick(1 + random(30)) : `${pick(1 + random(8))}@${pick(1 + random(6))}.${pick(1 + random(3))}`));
  // And addresses built from pieces, about a sixth of them valid.
  const one = (options: string[]) => options[random(options.length)]!;
  const locals = ['ada', 'B0b', 'x-y', 'a_b', 'a+tag', 'a.b', 'a..b', '.a', 'a.', '"q"', 'é', '%', 'a'.repeat(64), 'a'.repeat(65)];
  const labels = ['example', 'ex-ample', '-bad', 'bad-', 'a_b', 'b'.repeat(63), 'b'.repeat(64), 'xn--p1ai', '123', 'ORG', 'o', 'é', ''];
  const tlds = ['org', 'Co', 'c', '123', 'xn--p1ai', 'o'.repeat(63), 'o'.repeat(64), 'ORG', 'org.', 'é'];
  const built = Array.from({ length: 20_000 }, () => `${one(locals)}@${Array.from({ length: 1 + random(4) }, () => one(labels)).join('.')}.${one(tlds)}`);
  const all = [...fixed, ...generated, ...built];
  assert.ok(all.filter((a) => validator.isEmail(a)).length > 3000, `enough valid addresses to try the quick path: ${all.filter((a) => validator.isEmail(a)).length}`);
  for (const address of all) assert.equal(isEmailAddress(address), validator.isEmail(address), JSON.stringify(address));
});
