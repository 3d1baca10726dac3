import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ROUTE_WORDS, SLUG_MAX, isRouteWord, isUnverifiedSlug, randomSuffix, readableSlug, slugCandidates, slugify, unverifiedSlug, withSuffix,
} from '../../src/domain/slug.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

test('every script becomes readable Latin words joined by hyphens', () => {
  assert.equal(slugify('Спасите парк Горького'), 'spasite-park-gorkogo', 'Cyrillic; the soft sign drops out of the word');
  assert.equal(slugify('Σώστε το πάρκο'), 'soste-to-parko');
  assert.equal(slugify('أنقذوا الحديقة'), 'nqdhw-lhdyqh');
  assert.equal(slugify('Save Café Müller — now!'), 'save-cafe-muller-now');
  assert.equal(slugify('Don’t close St. Mary’s'), 'dont-close-st-marys', 'an apostrophe is part of its word');
});

test('Chinese and Korean syllables are kept apart by hyphens, Japanese kana stay together', () => {
  assert.equal(slugify('拯救公园'), 'zheng-jiu-gong-yuan');
  assert.equal(slugify('도서관을 지켜라'), 'do-seo-gwan-eul-ji-kyeo-la');
  assert.equal(slugify('図書館を守ろう'), 'tu-shu-guan-o-shou-rou');
  assert.equal(slugify('Open the 中央 library'), 'open-the-zhong-yang-library');
});

test('emoji are not words of the title; a title with nothing readable takes the fallback', () => {
  assert.equal(slugify('🌳 Plant trees 🇬🇧 👍🏽'), 'plant-trees');
  assert.equal(readableSlug('!!! 🎉'), '');
  assert.equal(slugify('!!!'), 'petition');
  assert.equal(slugify('🎉', 'campaign'), 'campaign');
});

test('a slug stays within 80 characters and never ends in a hyphen', () => {
  const slug = slugify(`${'word '.repeat(15)}Горького`);
  assert.ok(slug.length <= SLUG_MAX);
  assert.doesNotMatch(slug, /-$/);
  assert.equal(slugify('x'.repeat(200)).length, SLUG_MAX);
});

test('a suffix is one of 32 unambiguous characters per random byte, each equally likely', () => {
  assert.equal(randomSuffix(bytes(0, 1, 31, 32, 255)), '01z0z');
  const seen = new Set(Array.from({ length: 256 }, (_, b) => randomSuffix(bytes(b))));
  assert.equal(seen.size, 32);
  for (const letter of ['i', 'l', 'o', 'u']) assert.equal(seen.has(letter), false, `no "${letter}": it reads as 1, 1, 0 or v`);
});

test('the slug with a suffix stays within 80 characters', () => {
  assert.equal(withSuffix('keep-the-library', bytes(1, 2, 3, 4, 5)), 'keep-the-library-12345');
  const long = withSuffix(slugify('a'.repeat(100)), bytes(1, 2, 3, 4, 5));
  assert.equal(long.length, SLUG_MAX);
  assert.match(long, /^a+-12345$/);
  assert.doesNotMatch(withSuffix(`${'a'.repeat(73)}-b`, bytes(9, 9, 9, 9, 9)), /--/, 'a cut at a hyphen leaves no double hyphen');
});

test('candidates: the readable slug first, then one suffixed slug per set of random bytes', () => {
  assert.deepEqual(slugCandidates('Keep the library', [bytes(1, 2, 3, 4, 5), bytes(6, 7, 8, 9, 10)]), ['keep-the-library', 'keep-the-library-12345', 'keep-the-library-6789a']);
  assert.deepEqual(slugCandidates('!!!', [bytes(0, 0, 0, 0, 0)], 'campaign'), ['campaign', 'campaign-00000']);
});

test('a route word is never a candidate: "New" goes straight to a suffix', () => {
  assert.deepEqual(slugCandidates('New', [bytes(1, 2, 3, 4, 5)]), ['new-12345']);
  for (const word of ROUTE_WORDS) {
    assert.equal(isRouteWord(word), true);
    assert.ok(!slugCandidates(word, [bytes(1, 2, 3, 4, 5)]).includes(word), word);
  }
  assert.equal(isRouteWord('news'), false);
});

test('an unverified petition’s placeholder can never be a readable slug', () => {
  const placeholder = unverifiedSlug(new Uint8Array(16).fill(7));
  assert.equal(placeholder, `unverified_${'7'.repeat(16)}`);
  assert.equal(isUnverifiedSlug(placeholder), true);
  assert.equal(isUnverifiedSlug(slugify('Unverified petitions should go')), false);
  assert.doesNotMatch(placeholder, /^[a-z0-9-]+$/, 'readable slugs are letters, digits and hyphens only');
});
