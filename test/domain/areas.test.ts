import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { areaOf, areaTotals } from '../../src/domain/areas.ts';

describe('signatures by area', () => {
  test('a UK postcode counts towards its district; otherwise the country; otherwise nowhere', () => {
    assert.equal(areaOf('CB2 1TN', 'United Kingdom'), 'CB2');
    assert.equal(areaOf('75001', ' France '), 'France');
    assert.equal(areaOf(null, null), null);
  });

  test('areas under the privacy floor are merged into "other"; the rest are largest first', () => {
    const rows = [
      { postcode: 'CB2 1TN', country: null, count: 3 },
      { postcode: 'CB2 3QZ', country: null, count: 3 },
      { postcode: 'LS6 1AN', country: null, count: 4 },
      { postcode: null, country: 'france', count: 2 },
      { postcode: null, country: 'France', count: 5 },
      { postcode: null, country: null, count: 7 },
    ];
    assert.deepEqual(areaTotals(rows), { areas: [{ area: 'France', count: 7 }, { area: 'CB2', count: 6 }], other: 11 });
    assert.deepEqual(areaTotals([{ postcode: 'LS6 1AN', country: null, count: 4 }]), { areas: [], other: 4 }, 'four people in one district are never shown');
  });
});
