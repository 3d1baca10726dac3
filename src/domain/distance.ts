const EARTH_RADIUS_KM = 6371;
const rad = (deg: number) => (deg * Math.PI) / 180;

export interface Point {
  lat: number;
  lon: number;
}

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The item nearest to `from`, among those with coordinates, and how far it is. */
export function nearest<T>(from: Point, items: T[], pointOf: (item: T) => Point | null): { item: T; km: number } | undefined {
  let best: { item: T; km: number } | undefined;
  for (const item of items) {
    const point = pointOf(item);
    if (!point) continue;
    const km = distanceKm(from, point);
    if (!best || km < best.km) best = { item, km };
  }
  return best;
}
