import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CityGazetteer } from '../../src/geo/gazetteer.ts';

const gazetteer = new CityGazetteer();
const near = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 0.1, `${actual} ≈ ${expected}`);

test('two towns that share a name are told apart by their country', () => {
  const uk = gazetteer.geocode('Cambridge, UK');
  const us = gazetteer.geocode('Cambridge, United States');
  assert.equal(uk?.country, 'GB');
  near(uk?.lat, 52.2);
  near(uk?.lon, 0.12);
  assert.equal(us?.country, 'US');
  near(us?.lat, 42.38);
  near(us?.lon, -71.11);
});

test('without a country, the most populous place of that name wins', () => {
  assert.equal(gazetteer.geocode('Birmingham')?.country, 'GB');
  assert.equal(gazetteer.geocode('Birmingham, US')?.country, 'US');
});

test('accents and case do not matter', () => {
  assert.equal(gazetteer.geocode('sao paulo, brazil')?.name, 'São Paulo');
  assert.equal(gazetteer.geocode('ZÜRICH')?.country, 'CH');
  assert.equal(gazetteer.geocode('Leeds, GB')?.name, 'Leeds');
});

test('unknown places are reported as unknown, not guessed', () => {
  assert.equal(gazetteer.geocode('Qwxyzzyville, UK'), undefined);
  assert.equal(gazetteer.geocode('Cambridge, Atlantis'), undefined);
  assert.equal(gazetteer.geocode('  ,  '), undefined);
});
