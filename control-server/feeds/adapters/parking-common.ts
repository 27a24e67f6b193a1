import type { ParkingSnapshot } from '../../../protocol/index.ts';
import type { AdapterContext } from '../types.ts';
import { isRecord, isoOfDate, observedFallback, safeId, str } from '../util.ts';
import { DEFAULT_TTL_S } from '../validate.ts';

/** One site as read from any parking format, before normalization. */
export interface RawSite {
  sourceId: string;
  name?: string;
  lat?: number | null;
  lon?: number | null;
  total?: number | null;
  free?: number | null;
  occupied?: number | null;
  /** Percent 0..100 as DATEX gives it. */
  occupancyPct?: number | null;
  trend?: string;
  status?: string;
  observedAt?: string;
}

export function trendOf(s: string | undefined): ParkingSnapshot['trend'] {
  const t = (s ?? '').toLowerCase();
  if (/increas|filling|rising/.test(t)) return 'rising';
  if (/decreas|emptying|falling/.test(t)) return 'falling';
  if (/stable|steady|constant/.test(t)) return 'steady';
  return 'unknown';
}

export function statusOf(s: string | undefined, free: number): ParkingSnapshot['status'] {
  const t = (s ?? '').toLowerCase();
  if (/closed/.test(t)) return 'closed';
  if (/^full/.test(t)) return 'full';
  if (/spacesavailable|almostfull|open|available/.test(t)) return free === 0 ? 'full' : 'open';
  return 'unknown';
}

/** Applies the source's optional zone mapping (`options.zones`: source id -> {id, name}) and builds snapshots. */
export function toSnapshots(sites: RawSite[], ctx: AdapterContext, warnings: string[]): ParkingSnapshot[] {
  const zones = isRecord(ctx.options?.zones) ? ctx.options.zones : undefined;
  const out: ParkingSnapshot[] = [];
  const seen = new Set<string>();
  for (const s of sites) {
    const map =
      zones && isRecord(zones[s.sourceId]) ? (zones[s.sourceId] as Record<string, unknown>) : undefined;
    if (zones && ctx.options?.onlyMapped === true && !map) continue;
    let total = s.total ?? null;
    let free = s.free ?? null;
    if (total === null && free !== null && s.occupied != null) total = free + s.occupied;
    if (free === null && total !== null && s.occupied != null) free = total - s.occupied;
    if (free === null && total !== null && s.occupancyPct != null)
      free = Math.round(total * (1 - s.occupancyPct / 100));
    if (total === null || free === null) {
      warnings.push(`${s.sourceId}: no total or free spaces, skipped`);
      continue;
    }
    total = Math.round(total);
    free = Math.round(free);
    if (total <= 0) {
      warnings.push(`${s.sourceId}: total spaces is ${total}, skipped`);
      continue;
    }
    if (s.occupied != null && s.occupied > total * 1.5) {
      warnings.push(`${s.sourceId}: implausible count (${s.occupied} vehicles in ${total} spaces), skipped`);
      continue;
    }
    if (free < 0) {
      warnings.push(`${s.sourceId}: negative free spaces (${free}), read as 0`);
      free = 0;
    }
    if (free > total) {
      // More vehicles than spaces, or more vacancies than spaces: a counting error at the source.
      if (free > total * 1.5) {
        warnings.push(`${s.sourceId}: implausible count (free ${free}, total ${total}), skipped`);
        continue;
      }
      free = total;
    }
    const id = str(map?.id) ?? safeId(s.sourceId);
    if (seen.has(id)) {
      warnings.push(`${s.sourceId}: duplicate zone id ${id}, skipped`);
      continue;
    }
    seen.add(id);
    const snap: ParkingSnapshot = {
      kind: 'parking',
      zoneId: id,
      name: (str(map?.name) ?? s.name ?? s.sourceId).slice(0, 200),
      total,
      free,
      occupancy: Math.round(((total - free) / total) * 1000) / 1000,
      trend: trendOf(s.trend),
      status: statusOf(s.status, free),
      observedAt: s.observedAt ?? observedFallback(ctx.fetchedAt),
      fetchedAt: isoOfDate(ctx.fetchedAt),
      ttlS: ctx.ttlS ?? DEFAULT_TTL_S.parking,
      source: ctx.source,
    };
    if (s.lat != null && s.lon != null && Math.abs(s.lat) <= 90 && Math.abs(s.lon) <= 180) {
      snap.location = { lat: s.lat, lon: s.lon };
    }
    if (ctx.demo) snap.demo = true;
    out.push(snap);
  }
  return out;
}
