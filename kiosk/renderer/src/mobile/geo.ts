import type { Poi } from '../lib/pois.ts';

export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const r = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Feed ids of one kind ordered by distance from `here` (ids without a known position last, by name). */
export function byDistance(
  ids: readonly string[],
  pois: readonly Poi[],
  here: LatLon | null,
): Array<{ id: string; m: number | null }> {
  const pos = new Map(pois.filter((p) => p.feed).map((p) => [p.id, p]));
  return ids
    .map((id) => {
      const p = pos.get(id);
      return { id, m: here && p ? distanceM(here, p) : null };
    })
    .sort((a, b) => (a.m ?? Number.POSITIVE_INFINITY) - (b.m ?? Number.POSITIVE_INFINITY));
}

/** "350 m" / "1,2 km" in the UI language. */
export function formatDistance(m: number, lang: string): string {
  if (m < 1000) return `${Math.round(m / 10) * 10} m`;
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(m / 1000)} km`;
}
