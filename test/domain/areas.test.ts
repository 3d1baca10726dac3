import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { areaOf, areaTotals, countryCode } from '../../src/domain/areas.ts';

const district = (area: string) => ({ area, name: area, kind: 'district' });
const country = (area: string, name: string) => ({ area, name, kind: 'country' });

describe('the area a signature counts towards', () => {
  test('a UK postcode counts towards its district, written any way, or as the bare district anonymisation keeps', () => {
    assert.deepEqual(areaOf('CB2 1TN', 'United Kingdom'), district('CB2'));
    assert.deepEqual(areaOf('sw1a1aa', null), district('SW1A'));
    assert.deepEqual(areaOf('LS6', null), district('LS6'));
  });

  test('a country we can read counts by its ISO code, whatever the spelling', () => {
    assert.deepEqual(areaOf('75001', ' france '), country('FR', 'France'));
    assert.deepEqual(areaOf(null, 'Cote d’Ivoire'), country('CI', "Cote d'Ivoire"));
    for (const typed of ['UK', 'Scotland', 'great britain', 'GBR']) assert.equal(countryCode(typed), 'GB', typed);
    assert.equal(countryCode('Deutschland'), 'DE', 'names in other languages too');
    assert.equal(countryCode('USA'), 'US');
  });

  test('a UK-shaped postcode from a country that says it is elsewhere counts for that country', () => {
    assert.deepEqual(areaOf('K1A 0B1', 'Canada'), country('CA', 'Canada'));
    assert.deepEqual(areaOf('CB2 1TN', 'Germany'), country('DE', 'Germany'));
    assert.deepEqual(areaOf('JE2 3AB', 'Jersey'), district('JE2'));
  });

  test('free text that is no country, and nothing at all, count nowhere', () => {
    assert.equal(areaOf(null, 'my street'), null);
    assert.equal(areaOf('10115', null), null);
    assert.equal(areaOf(null, null), null);
  });
});

describe('totals by area under the privacy floor', () => {
  test('areas under 5 are merged into "other" with the unreadable; the rest are largest first', () => {
    const rows = [
      { outward: 'CB2', country: null, count: 3 },
      { outward: 'CB2', country: 'united kingdom', count: 3 },
      { outward: 'LS6', country: null, count: 4 },
      { outward: null, country: 'france', count: 2 },
      { outward: null, country: 'fr', count: 5 },
      { outward: null, country: 'atlantis', count: 9 },
      { outward: null, country: null, count: 7 },
    ];
    assert.deepEqual(areaTotals(rows), {
      areas: [
        { ...country('FR', 'France'), count: 7 },
        { ...district('CB2'), count: 6 },
      ],
      other: 20,
    });
  });

  test('four people in one district are never shown; five are', () => {
    assert.deepEqual(areaTotals([{ outward: 'LS6', country: null, count: 4 }]), { areas: [], other: 4 });
    assert.deepEqual(areaTotals([{ outward: 'LS6', country: null, count: 5 }]), { areas: [{ ...district('LS6'), count: 5 }], other: 0 });
  });
});
