import { DateTime } from 'luxon';
import type { WaterQuality, WaterSnapshot } from '../../../protocol/index.ts';
import { type AdapterContext, type FeedAdapter, FeedParseError } from '../types.ts';
import {
  CITY_ZONE,
  MB,
  isRecord,
  iso,
  isoOfDate,
  localDateTime,
  num,
  parseJson,
  safeId,
  str,
  textOf,
} from '../util.ts';
import { DEFAULT_TTL_S, validated } from '../validate.ts';

interface SiteMap {
  id?: string;
  name?: string;
  lat?: number;
  lon?: number;
}

/** `options.sites`: source station/beach id or name -> {id, name, lat, lon}. */
function siteMap(ctx: AdapterContext, key: string): SiteMap | undefined {
  const sites = ctx.options?.sites;
  if (!isRecord(sites)) return undefined;
  const m = sites[key];
  if (!isRecord(m)) return undefined;
  return { id: str(m.id), name: str(m.name), lat: num(m.lat) ?? undefined, lon: num(m.lon) ?? undefined };
}

function onlyMapped(ctx: AdapterContext): boolean {
  return ctx.options?.onlyMapped === true;
}

function temp(v: unknown, min: number, max: number): number | null {
  const n = num(v);
  return n !== null && n >= min && n <= max ? Math.round(n * 10) / 10 : null;
}

function base(ctx: AdapterContext) {
  return {
    kind: 'water' as const,
    fetchedAt: isoOfDate(ctx.fetchedAt),
    ttlS: ctx.ttlS ?? DEFAULT_TTL_S.water,
    source: ctx.source,
    ...(ctx.demo ? { demo: true } : {}),
  };
}

/** DMI open data, OGC API Features `oceanObs` items (GeoJSON), parameter `tw` (water temperature). */
export const dmiOceanObsAdapter: FeedAdapter<WaterSnapshot> = {
  format: 'dmi-oceanobs',
  kind: 'water',
  description: 'DMI oceanObs GeoJSON (OGC API Features), parameterId tw',
  maxBytes: 20 * MB,
  detect: (t) => /"FeatureCollection"/.test(t) && /"parameterId"/.test(t),
  parse(inputs, ctx) {
    const what = 'DMI oceanObs';
    const fc = parseJson(textOf(inputs.main, this.maxBytes, what), what);
    if (!isRecord(fc) || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
      throw new FeedParseError(`${what}: not a GeoJSON FeatureCollection`);
    }
    const warnings: string[] = [];
    // Latest tw observation per station.
    const latest = new Map<string, { at: DateTime; value: number | null; lat?: number; lon?: number }>();
    let other = 0;
    for (const f of fc.features) {
      if (!isRecord(f) || !isRecord(f.properties)) continue;
      const p = f.properties;
      if (p.parameterId !== 'tw') {
        other++;
        continue;
      }
      const station = str(p.stationId);
      const at = DateTime.fromISO(str(p.observed) ?? '', { setZone: true });
      if (!station || !at.isValid) {
        warnings.push(`a tw observation without stationId or observed time, skipped`);
        continue;
      }
      const prev = latest.get(station);
      if (prev && prev.at >= at) continue;
      const c = isRecord(f.geometry) && Array.isArray(f.geometry.coordinates) ? f.geometry.coordinates : [];
      const value = temp(p.value, -5, 45);
      if (value === null) warnings.push(`${station}: water temperature ${String(p.value)} out of range`);
      latest.set(station, { at, value, lon: num(c[0]) ?? undefined, lat: num(c[1]) ?? undefined });
    }
    if (latest.size === 0 && fc.features.length > 0) {
      throw new FeedParseError(
        `${what}: no tw (water temperature) observations among ${fc.features.length} features (${other} other parameters)`,
      );
    }
    const snaps: WaterSnapshot[] = [];
    for (const [station, o] of latest) {
      const m = siteMap(ctx, station);
      if (!m && onlyMapped(ctx)) continue;
      const s: WaterSnapshot = {
        ...base(ctx),
        siteId: m?.id ?? safeId(`dmi-${station}`),
        name: m?.name ?? `DMI ${station}`,
        waterTempC: o.value,
        airTempC: null,
        quality: 'unknown',
        observedAt: iso(o.at),
      };
      const lat = m?.lat ?? o.lat;
      const lon = m?.lon ?? o.lon;
      if (lat !== undefined && lon !== undefined) s.location = { lat, lon };
      snaps.push(s);
    }
    return validated('water', snaps, warnings, what);
  },
};

/** Bathing water quality: the Danish service's codes (1 good, 2 warning/advised against, 3 closed) or words. */
export function qualityOf(v: unknown): WaterQuality {
  const n = num(v);
  if (n === 1) return 'good';
  if (n === 2) return 'warning';
  if (n === 3) return 'closed';
  const s = (str(v) ?? '').toLowerCase();
  if (/good|god|excellent|sufficient|green|grøn/.test(s)) return 'good';
  if (/warn|advar|poor|yellow|gul|fraråd/.test(s)) return 'warning';
  if (/closed|lukket|forbud|red|rød|ban/.test(s)) return 'closed';
  return 'unknown';
}

function localTime(s: string | undefined): DateTime | null {
  if (!s) return null;
  const t = s.trim();
  const local = localDateTime(t, CITY_ZONE);
  if (local) return local;
  const dmy = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}:\d{2})$/.exec(t);
  if (dmy) return localDateTime(`${dmy[3]}-${dmy[2]}-${dmy[1]} ${dmy[4]}`, CITY_ZONE);
  const dt = DateTime.fromISO(t, { zone: CITY_ZONE, setZone: true });
  return dt.isValid ? dt : null;
}

/**
 * The Danish bathing-water service (behind badevand.dk): a JSON array of beaches with beachName, latitude,
 * longitude and data[] of {date, waterTemperature, airTemperature, waterQuality}. data[] also holds
 * forecasts; the newest entry not after the fetch time is the observation.
 */
export const bathingWaterAdapter: FeedAdapter<WaterSnapshot> = {
  format: 'bathing-water',
  kind: 'water',
  description:
    'Danish bathing-water service JSON (beaches with data[] of waterTemperature, airTemperature, waterQuality)',
  maxBytes: 20 * MB,
  detect: (t) => /"beachName"/.test(t) || /"waterTemperature"/.test(t),
  parse(inputs, ctx) {
    const what = 'bathing-water JSON';
    const doc = parseJson(textOf(inputs.main, this.maxBytes, what), what);
    const beaches = Array.isArray(doc)
      ? doc
      : isRecord(doc) && Array.isArray(doc.beaches)
        ? doc.beaches
        : null;
    if (!beaches) throw new FeedParseError(`${what}: expected an array of beaches`);
    const warnings: string[] = [];
    const now = DateTime.fromJSDate(ctx.fetchedAt);
    const snaps: WaterSnapshot[] = [];
    for (const b of beaches) {
      if (!isRecord(b)) continue;
      const name = str(b.beachName) ?? str(b.name);
      const key = str(b.id) ?? name;
      if (!name || !key) {
        warnings.push('a beach without beachName, skipped');
        continue;
      }
      const m = siteMap(ctx, key) ?? siteMap(ctx, name);
      if (!m && onlyMapped(ctx)) continue;
      const entries = (Array.isArray(b.data) ? b.data : [])
        .filter(isRecord)
        .map((d) => ({ d, at: localTime(str(d.date)) }))
        .filter((x): x is { d: Record<string, unknown>; at: DateTime } => x.at !== null)
        .sort((x, y) => x.at.toMillis() - y.at.toMillis());
      const past = entries.filter((x) => x.at <= now);
      const pick = past.at(-1) ?? entries[0];
      if (!pick) {
        warnings.push(`${name}: no dated data, skipped`);
        continue;
      }
      const s: WaterSnapshot = {
        ...base(ctx),
        siteId: m?.id ?? safeId(key),
        name: (m?.name ?? name).slice(0, 200),
        waterTempC: temp(pick.d.waterTemperature, -5, 45),
        airTempC: temp(pick.d.airTemperature, -50, 60),
        quality: qualityOf(pick.d.waterQuality),
        observedAt: iso(pick.at),
      };
      const lat = m?.lat ?? num(b.latitude);
      const lon = m?.lon ?? num(b.longitude);
      if (lat != null && lon != null) s.location = { lat, lon };
      snaps.push(s);
    }
    return validated('water', snaps, warnings, what);
  },
};
