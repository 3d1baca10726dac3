import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseEmail } from '../../src/domain/email.ts';

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
