import countries from 'i18n-iso-countries';
import { postcodeDistrict } from './postcode.ts';

/** Areas with fewer signers than this are never shown on their own: a handful of people can be identified. */
export const AREA_PRIVACY_FLOOR = 5;

export type AreaKind = 'district' | 'country';

/** Where a signature counts: a UK postcode district (`CB2`) or a country by ISO 3166-1 code (`FR`). */
export interface Area {
  area: string;
  name: string;
  kind: AreaKind;
}

export interface AreaTotal extends Area {
  count: number;
}

/** Territories whose postcodes have the UK's shape, so a district there is still a district. */
const UK_POSTCODE_COUNTRIES = new Set(['GB', 'GG', 'JE', 'IM']);
/** What people in the UK type for their country that ISO does not list. */
const UK_NAMES = ['england', 'scotland', 'wales', 'northern ireland', 'britain'];

const fold = (s: string): string =>
  s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

let codesByName: Map<string, string> | null = null;

/**
 * A typed country ("france", "UK", "Deutschland", "Côte d'Ivoire", "DEU") as its ISO alpha-2 code;
 * null when unknown. Names in every language the package knows, English winning any clash.
 */
export function countryCode(typed: string): string | null {
  if (!codesByName) {
    const names = new Map<string, string>();
    const languages = [...countries.getSupportedLanguages().filter((l) => l !== 'en'), 'en'];
    for (const language of languages) {
      for (const [code, all] of Object.entries(countries.getNames(language, { select: 'all' }))) for (const name of all) names.set(fold(name), code);
    }
    for (const code of Object.keys(countries.getAlpha2Codes())) names.set(fold(code), code).set(fold(countries.alpha2ToAlpha3(code) ?? code), code);
    for (const name of UK_NAMES) names.set(name, 'GB');
    codesByName = names;
  }
  return codesByName.get(fold(typed)) ?? null;
}

/**
 * A UK postcode's district: "CB2 1TN" → "CB2". A bare outward code ("CB2") counts too: it is what a
 * signature keeps once its personal data is removed (jobs/forget-personal-data.ts).
 */
function district(postcode: string): string | null {
  const compact = postcode.toUpperCase().replace(/\s+/g, '');
  return postcodeDistrict(compact) ?? (/^[A-Z]{1,2}[0-9][A-Z0-9]?$/.test(compact) ? compact : null);
}

/**
 * The area a signature counts towards. A UK-shaped postcode gives its district unless the country
 * says it is elsewhere; otherwise the country, if we can read it as one. Free text that is not a
 * country is never shown: five people typing the same insult do not make it an area.
 */
export function areaOf(postcode: string | null, country: string | null): Area | null {
  const code = country ? countryCode(country) : null;
  const d = postcode && (code === null || UK_POSTCODE_COUNTRIES.has(code)) ? district(postcode) : null;
  if (d) return { area: d, name: d, kind: 'district' };
  if (code) return { area: code, name: countries.getName(code, 'en') ?? code, kind: 'country' };
  return null;
}

/**
 * Totals by area, largest first, from counts by postcode (or its outward part) and typed country.
 * Areas under the privacy floor are merged into `other`, with signatures that name no area we can read.
 */
export function areaTotals(
  rows: Array<{ outward: string | null; country: string | null; count: number }>,
  floor = AREA_PRIVACY_FLOOR,
): { areas: AreaTotal[]; other: number } {
  const totals = new Map<string, AreaTotal>();
  let other = 0;
  for (const r of rows) {
    const area = areaOf(r.outward, r.country);
    if (!area) {
      other += r.count;
      continue;
    }
    const total = totals.get(area.area);
    if (total) total.count += r.count;
    else totals.set(area.area, { ...area, count: r.count });
  }
  const areas: AreaTotal[] = [];
  for (const total of totals.values()) {
    if (total.count >= floor) areas.push(total);
    else other += total.count;
  }
  areas.sort((a, b) => b.count - a.count || a.area.localeCompare(b.area));
  return { areas, other };
}
