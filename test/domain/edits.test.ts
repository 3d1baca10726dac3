import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedEditDistance, isTypoFix, wordsAsSigned, type WordsEdit } from '../../src/domain/edits.ts';

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

test('fixes are measured against the words as signed, so small steps cannot walk to new words', () => {
  const held = (before: string): WordsEdit => ({ field: 'title', before, underTypoRule: true });
  const free = (before: string): WordsEdit => ({ field: 'title', before, underTypoRule: false });
  // The review's walk: each step three characters, the sum a different petition.
  const walk = [held('Update url test'), held('Update url tesX'), held('Update urX teXX')];
  assert.equal(wordsAsSigned(walk, 'title', 'Updatx urX teXX'), 'Update url test');
  assert.equal(isTypoFix(wordsAsSigned(walk, 'title', 'Updatx urX teXX'), 'Pave over the park'), false);
  assert.equal(wordsAsSigned([], 'title', 'As it is'), 'As it is', 'no fix yet: the words now are the words signed');
  assert.equal(wordsAsSigned([held('Other field')].map((e) => ({ ...e, field: 'why' })), 'title', 'As it is'), 'As it is');
  // Edits before anyone signed are free, and so is one made after every signature was invalidated.
  assert.equal(wordsAsSigned([free('Draft'), held('Signed words')], 'title', 'Signed wordz'), 'Signed words');
  assert.equal(wordsAsSigned([held('First signed'), free('First signef'), held('Second signed')], 'title', 'x'), 'Second signed');
});
