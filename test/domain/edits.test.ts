import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedEditDistance, isTypoFix } from '../../src/domain/edits.ts';

test('edit distance counts insertions, deletions and substitutions', () => {
  assert.equal(boundedEditDistance('kitten', 'sitting', 10), 3);
  assert.equal(boundedEditDistance('', 'abc', 10), 3);
  assert.equal(boundedEditDistance('same', 'same', 0), 0);
  assert.equal(boundedEditDistance('abcdef', 'zzzzzz', 2), 3, 'stops counting past the limit');
});

test('after signatures, a typo fix passes and a change of meaning does not', () => {
  assert.equal(isTypoFix('Keep the libary open on Sundays', 'Keep the library open on Sundays'), true);
  assert.equal(isTypoFix('Keep the library open on Sundays', 'Close the library on Sundays'), false);
  assert.equal(isTypoFix('Open 24 hours', 'Open 12 hours'), true, 'short texts allow up to 3 characters');
  assert.equal(isTypoFix('We ask the council to act.', 'We ask the council not to act.'), false);
});

test('long texts allow 2 % of their length, at most 20 characters', () => {
  const long = 'a'.repeat(500);
  assert.equal(isTypoFix(long, long + 'b'.repeat(10)), true);
  assert.equal(isTypoFix(long, long + 'b'.repeat(11)), false);
  const huge = 'x'.repeat(5000);
  assert.equal(isTypoFix(huge, huge + 'y'.repeat(21)), false);
});
