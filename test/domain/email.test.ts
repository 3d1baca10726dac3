import { test } from 'node:test';
import assert from 'node:assert/strict';
import validator from 'validator';
import { isEmailAddress, normaliseEmail } from '../../src/domain/email.ts';

test('surrounding spaces and case do not make a second signer', () => {
  assert.equal(normaliseEmail('  Ada.Lovelace@Example.ORG \n'), 'ada.lovelace@example.org');
});

test('plus tags and dots are kept: they can be different people', () => {
  assert.notEqual(normaliseEmail('ada+news@example.org'), normaliseEmail('ada@example.org'));
  assert.notEqual(normaliseEmail('a.da@example.org'), normaliseEmail('ada@example.org'));
});

test('the same visible address in two Unicode forms has one key', () => {
  assert.equal(normaliseEmail('jose\u0301@example.org'), normaliseEmail('jos\u00e9@example.org'));
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
