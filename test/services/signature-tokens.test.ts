import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashSecret, newSignatureToken, signatureTokenKey } from '../../src/services/tokens.ts';

test('signature links carry their time, so stored keys sort in the order signatures were made', () => {
  const times = [new Date('2026-11-29T05:00:00.000Z'), new Date('2026-11-29T05:00:00.001Z'), new Date('2026-11-29T05:00:01.000Z'), new Date('2059-01-01T00:00:00.000Z')];
  const keys = times.map((t) => signatureTokenKey(newSignatureToken(t)));
  assert.deepEqual([...keys].sort(), keys);
  for (const token of times.map((t) => newSignatureToken(t))) {
    assert.match(token, /^[0-9a-z]{8}\.[A-Za-z0-9_-]{43}$/);
    const key = signatureTokenKey(token);
    assert.ok(!key.includes(token.split('.')[1]!), 'the secret is never stored');
    assert.equal(key, `${token.split('.')[0]}.${hashSecret(token)}`);
  }
});

test('a link from before time prefixes keeps its old key, and a changed time is a different key', () => {
  const old = 'Qm9vdHN0cmFwcGVkIGJlZm9yZSB0aGUgdGltZSBwcmVmaXg';
  assert.equal(signatureTokenKey(old), hashSecret(old));
  const token = newSignatureToken(new Date('2026-11-29T05:00:00.000Z'));
  const moved = `${(Number.parseInt(token.split('.')[0]!, 36) + 1).toString(36)}.${token.split('.')[1]}`;
  assert.notEqual(signatureTokenKey(moved), signatureTokenKey(token));
});
