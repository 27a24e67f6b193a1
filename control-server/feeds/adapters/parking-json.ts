import type { ParkingSnapshot } from '../../../protocol/index.ts';
import { type FeedAdapter, FeedParseError } from '../types.ts';
import {
  CITY_ZONE,
  MB,
  isRecord,
  iso,
  localDateTime,
  num,
  parseIsoTime,
  parseJson,
  str,
  textOf,
} from '../util.ts';
import { validated } from '../validate.ts';
import { type RawSite, toSnapshots } from './parking-common.ts';

/** Garage locations from a GeoJSON FeatureCollection (input "locations"), matched by normalized name. */
function locations(bytes: Uint8Array | undefined): Map<string, { name: string; lat: number; lon: number }> {
  const out = new Map<string, { name: string; lat: number; lon: number }>();
  if (!bytes) return out;
  const fc = parseJson(textOf(bytes, 5 * MB, 'garage locations'), 'garage locations');
  if (!isRecord(fc) || !Array.isArray(fc.features))
    throw new FeedParseError('garage locations: not a GeoJSON FeatureCollection');
  for (const f of fc.features) {
    if (!isRecord(f) || !isRecord(f.properties) || !isRecord(f.geometry)) continue;
    const c = f.geometry.coordinates;
    const name = str(f.properties.name);
    if (!name || !Array.isArray(c) || num(c[0]) === null || num(c[1]) === null) continue;
    out.set(norm(name), { name, lon: num(c[0])!, lat: num(c[1])! });
  }
  return out;
}

function norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');
}

/** Aarhus garage codes whose display name differs from the code. */
const AARHUS_NAMES: Record<string, string> = {
  SCANDCENTER: 'Scandinavian Center',
  BRUUNS: 'Bruuns Galleri',
  NEWBUSGADEHUSET: 'Busgadehuset',
  NORREPORT: 'Nørreport',
  KALKVAERKSVEJ: 'Kalkværksvej',
  DOKK1: 'Dokk1',
};

/** CKAN datastore_search answer as Aarhus Kommune publishes garage occupancy (garageCode, totalSpaces, vehicleCount, date). */
export const ckanAarhusAdapter: FeedAdapter<ParkingSnapshot> = {
  format: 'ckan-aarhus',
  kind: 'parking',
  description:
    'CKAN datastore_search JSON (Aarhus Kommune garage occupancy; + GeoJSON locations as input "locations")',
  maxBytes: 10 * MB,
  detect: (t) => /"result"\s*:/.test(t) && /"records"\s*:/.test(t) && /garageCode/.test(t),
  parse(inputs, ctx) {
    const what = 'CKAN datastore (Aarhus parking)';
    const obj = parseJson(textOf(inputs.main, this.maxBytes, what), what);
    if (!isRecord(obj)) throw new FeedParseError(`${what}: expected a JSON object`);
    if (obj.success === false) throw new FeedParseError(`${what}: the service answered success=false`);
    const result = obj.result;
    if (!isRecord(result) || !Array.isArray(result.records))
      throw new FeedParseError(`${what}: no result.records list`);
    const locs = locations(inputs.locations);
    const warnings: string[] = [];
    const sites: RawSite[] = [];
    for (const r of result.records) {
      if (!isRecord(r)) continue;
      const code = str(r.garageCode);
      if (!code) {
        warnings.push('a record without garageCode, skipped');
        continue;
      }
      const display = AARHUS_NAMES[code.toUpperCase()] ?? code;
      const loc = locs.get(norm(display)) ?? locs.get(norm(code));
      const date = str(r.date);
      const dt = date ? localDateTime(date, CITY_ZONE) : null;
      sites.push({
        sourceId: code,
        name: loc?.name ?? display,
        lat: loc?.lat,
        lon: loc?.lon,
        total: num(r.totalSpaces),
        occupied: num(r.vehicleCount),
        observedAt: dt ? iso(dt) : parseIsoTime(date) ? iso(parseIsoTime(date)!) : undefined,
      });
    }
    return validated('parking', toSnapshots(sites, ctx, warnings), warnings, what);
  },
};

/** A flat JSON array of sites with `free`, `total`, `published` (the shape of Basel's Parkleitsystem feed). */
export const parkingListAdapter: FeedAdapter<ParkingSnapshot> = {
  format: 'parking-json',
  kind: 'parking',
  description: 'JSON array of sites with free, total, published, geo_point_2d (e.g. Basel)',
  maxBytes: 10 * MB,
  detect: (t) => /^\s*\[/.test(t) && /"free"\s*:/.test(t) && /"total"\s*:/.test(t),
  parse(inputs, ctx) {
    const what = 'parking JSON list';
    const arr = parseJson(textOf(inputs.main, this.maxBytes, what), what);
    if (!Array.isArray(arr)) throw new FeedParseError(`${what}: expected a JSON array of sites`);
    const warnings: string[] = [];
    const sites: RawSite[] = arr.filter(isRecord).map((r, i) => {
      const geo = isRecord(r.geo_point_2d) ? r.geo_point_2d : isRecord(r.location) ? r.location : undefined;
      const published = parseIsoTime(str(r.published) ?? str(r.timestamp));
      return {
        sourceId: str(r.id2) ?? str(r.id) ?? str(r.name) ?? `site-${i + 1}`,
        name: str(r.name) ?? str(r.title),
        lat: num(geo?.lat),
        lon: num(geo?.lon),
        total: num(r.total),
        free: num(r.free),
        status: str(r.status),
        observedAt: published ? iso(published) : undefined,
      };
    });
    return validated('parking', toSnapshots(sites, ctx, warnings), warnings, what);
  },
};
