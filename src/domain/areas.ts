import { postcodeDistrict } from './postcode.ts';

/** Areas with fewer signers than this are never shown on their own: a handful of people can be identified. */
export const AREA_PRIVACY_FLOOR = 5;

/** The area a signature counts towards: a UK postcode district ("CB2"), else the country as given, else none. */
export function areaOf(postcode: string | null, country: string | null): string | null {
  const district = postcode ? postcodeDistrict(postcode) : null;
  if (district) return district;
  const name = country?.trim().replace(/\s+/g, ' ');
  return name ? name.slice(0, 60) : null;
}

/**
 * Totals by area, largest first; areas under the privacy floor are merged into `other`, together with
 * signatures that name no area.
 */
export function areaTotals(rows: Array<{ postcode: string | null; country: string | null; count: number }>, floor = AREA_PRIVACY_FLOOR): { areas: Array<{ area: string; count: number }>; other: number } {
  const totals = new Map<string, number>();
  let other = 0;
  for (const r of rows) {
    const area = areaOf(r.postcode, r.country);
    if (area === null) other += r.count;
    else {
      // Case differences in typed country names are the same place.
      const key = /^[A-Z]{1,2}\d/.test(area) ? area : area.toLowerCase();
      totals.set(key, (totals.get(key) ?? 0) + r.count);
    }
  }
  const areas: Array<{ area: string; count: number }> = [];
  for (const [key, count] of totals) {
    if (count >= floor) areas.push({ area: /^[A-Z]{1,2}\d/.test(key) ? key : key.replace(/\b\p{L}/gu, (c) => c.toUpperCase()), count });
    else other += count;
  }
  areas.sort((a, b) => b.count - a.count || a.area.localeCompare(b.area));
  return { areas, other };
}
