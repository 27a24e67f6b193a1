import { createHash } from 'node:crypto';
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { DateTime } from 'luxon';
import type { Departure, TransportMode, TransportSnapshot } from '../../../protocol/index.ts';
import { type AdapterContext, type FeedAdapter, FeedParseError } from '../types.ts';
import { MB, iso, isoOfDate, isRecord, num, safeId, str } from '../util.ts';
import { DEFAULT_TTL_S, validated } from '../validate.ts';
import { type GtfsStatic, loadGtfsStatic, serviceRuns } from './gtfs-static.ts';

const rt = GtfsRealtimeBindings.transit_realtime;
type TripUpdate = GtfsRealtimeBindings.transit_realtime.ITripUpdate;

/** Decodes a GTFS-Realtime FeedMessage; garbage is a FeedParseError, never a crash. */
export function decodeRealtime(bytes: Uint8Array): GtfsRealtimeBindings.transit_realtime.FeedMessage {
  if (bytes.byteLength === 0) throw new FeedParseError('GTFS-Realtime: empty input');
  try {
    const msg = rt.FeedMessage.decode(bytes);
    if (!msg.header?.gtfsRealtimeVersion) throw new Error('no header.gtfs_realtime_version');
    return msg;
  } catch (e) {
    throw new FeedParseError(`GTFS-Realtime: not a valid FeedMessage (${(e as Error).message})`);
  }
}

function longToNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v && 'toNumber' in v && typeof v.toNumber === 'function')
    return v.toNumber() as number;
  return num(v);
}

export function modeOfRouteType(t: number): TransportMode {
  if (t === 0 || t === 5 || (t >= 900 && t < 1000)) return 'tram';
  if (t === 1 || (t >= 400 && t < 500)) return 'metro';
  if (t === 109) return 's-train';
  if (t === 2 || (t >= 100 && t < 200)) return 'train';
  if (t === 3 || t === 11 || (t >= 200 && t < 300) || (t >= 700 && t < 900)) return 'bus';
  if (t === 4 || t === 1000 || t === 1200) return 'ferry';
  return 'other';
}

interface StopSpec {
  id: string;
  gtfsStopIds: string[];
  name?: string;
}

function stopSpecs(ctx: AdapterContext, g: GtfsStatic): StopSpec[] {
  const raw = ctx.options?.stops;
  if (Array.isArray(raw) && raw.length > 0) {
    return raw.filter(isRecord).map((s) => {
      const ids = Array.isArray(s.gtfsStopIds) ? s.gtfsStopIds.map(String) : [String(s.gtfsStopId ?? s.id)];
      return { id: String(s.id), gtfsStopIds: ids, name: str(s.name) };
    });
  }
  return [...g.stopTimes.keys()].map((id) => ({ id: safeId(id), gtfsStopIds: [id] }));
}

interface Candidate {
  tripId: string;
  routeId: string;
  startTime: string | null;
  startDate: string;
  seq: number;
  stopId: string;
  plannedMs: number;
  cancelled: boolean;
  delayS: number | null;
}

function hms(s: number): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

/**
 * Planned departures at a set of GTFS stops in [from, to], expanding frequencies and service days.
 * Times are plain epoch arithmetic from each service day's base; luxon is used once per day.
 */
function planned(g: GtfsStatic, stopIds: Set<string>, fromMs: number, toMs: number): Candidate[] {
  const out: Candidate[] = [];
  const localFrom = DateTime.fromMillis(fromMs, { zone: g.timezone });
  const days = Math.ceil((toMs - fromMs) / 86_400_000);
  for (let back = -1; back <= days; back++) {
    const day = localFrom.startOf('day').plus({ days: back });
    const ymd = day.toFormat('yyyyLLdd');
    // GTFS times count from "noon minus 12 hours", which differs from midnight on DST change days.
    const baseMs = day.set({ hour: 12 }).minus({ hours: 12 }).toMillis();
    for (const stopId of stopIds) {
      for (const st of g.stopTimes.get(stopId) ?? []) {
        const trip = g.trips.get(st.tripId);
        if (!trip || !serviceRuns(g, trip.serviceId, ymd, day.weekday)) continue;
        const add = (offsetS: number, startTime: string | null) => {
          const at = baseMs + (st.depS + offsetS) * 1000;
          if (at < fromMs || at > toMs) return;
          out.push({
            tripId: st.tripId,
            routeId: trip.routeId,
            startTime,
            startDate: ymd,
            seq: st.seq,
            stopId,
            plannedMs: at,
            cancelled: false,
            delayS: null,
          });
        };
        const freqs = g.frequencies.get(st.tripId);
        if (!freqs) {
          add(0, null);
          continue;
        }
        const first = g.tripStart.get(st.tripId) ?? st.depS;
        for (const f of freqs) {
          for (let t = f.startS; t < f.endS; t += f.headwayS) add(t - first, hms(t));
        }
      }
    }
  }
  return out;
}

function toDeparture(c: Candidate, g: GtfsStatic): Departure {
  const trip = g.trips.get(c.tripId);
  const route = g.routes.get(c.routeId);
  const lastStop = g.tripLastStop.get(c.tripId);
  const direction =
    trip?.headsign ?? (route?.longName || (lastStop ? g.stops.get(lastStop)?.name : undefined) || '');
  const planned = DateTime.fromMillis(c.plannedMs);
  const live = c.delayS !== null && !c.cancelled;
  return {
    line: (route?.shortName || route?.longName || c.routeId).slice(0, 40),
    mode: modeOfRouteType(route?.type ?? 3),
    direction: direction.slice(0, 200),
    plannedAt: iso(planned),
    expectedAt: live ? iso(planned.plus({ seconds: c.delayS! })) : null,
    delayS: live ? c.delayS : null,
    track: null,
    cancelled: c.cancelled,
    tripId: c.tripId.slice(0, 200),
  };
}

/** Applies a TripUpdate to one planned departure (GTFS-RT: a delay propagates down the trip). */
function applyUpdate(c: Candidate, tu: TripUpdate, g: GtfsStatic): void {
  if (tu.trip.scheduleRelationship === rt.TripDescriptor.ScheduleRelationship.CANCELED) {
    c.cancelled = true;
    return;
  }
  const seqOf = g.tripSeq.get(c.tripId);
  let best: { seq: number; u: GtfsRealtimeBindings.transit_realtime.TripUpdate.IStopTimeUpdate } | null =
    null;
  for (const u of tu.stopTimeUpdate ?? []) {
    const seq = u.stopSequence ?? (u.stopId ? seqOf?.get(u.stopId) : undefined);
    if (seq === undefined || seq === null) continue;
    if (seq === c.seq || u.stopId === c.stopId) {
      best = { seq, u };
      break;
    }
    if (seq < c.seq && (!best || seq > best.seq)) best = { seq, u };
  }
  const exact = best !== null && (best.seq === c.seq || best.u.stopId === c.stopId);
  if (exact && best!.u.scheduleRelationship === rt.TripUpdate.StopTimeUpdate.ScheduleRelationship.SKIPPED) {
    c.cancelled = true;
    return;
  }
  if (best?.u.scheduleRelationship === rt.TripUpdate.StopTimeUpdate.ScheduleRelationship.NO_DATA) return;
  let delay: number | null = null;
  if (best) {
    const ev = best.u.departure ?? best.u.arrival;
    const time = longToNumber(ev?.time);
    if (exact && time) delay = Math.round(time - c.plannedMs / 1000);
    else delay = ev?.delay ?? null;
  }
  if (delay === null && tu.delay !== null && tu.delay !== undefined) delay = tu.delay;
  c.delayS = delay;
}

/**
 * Parsed static feeds: by buffer identity (an unchanged HTTP/file input is the same buffer), and the
 * last one by content hash (a copy arrives on every request in the parse worker).
 */
const staticCache = new WeakMap<Uint8Array, { key: string; g: GtfsStatic }>();
let lastStatic: { hash: string; key: string; g: GtfsStatic } | null = null;

function cachedStatic(zip: Uint8Array, only: string[]): GtfsStatic {
  const key = only.join(',');
  const byRef = staticCache.get(zip);
  if (byRef?.key === key) return byRef.g;
  const hash = createHash('sha1').update(zip).digest('hex');
  let g = lastStatic?.hash === hash && lastStatic.key === key ? lastStatic.g : undefined;
  if (!g) {
    g = loadGtfsStatic(zip, only);
    lastStatic = { hash, key, g };
  }
  staticCache.set(zip, { key, g });
  return g;
}

/** GTFS static (zip) joined with GTFS-Realtime TripUpdates (protobuf, optional input `realtime`). */
export const gtfsAdapter: FeedAdapter<TransportSnapshot> = {
  format: 'gtfs',
  kind: 'transport',
  description: 'GTFS static zip (+ optional GTFS-Realtime TripUpdates as input "realtime")',
  maxBytes: 200 * MB,
  detect: (t) => t.startsWith('PK'),
  parse(inputs, ctx) {
    const what = 'GTFS';
    if (inputs.main.byteLength === 0) throw new FeedParseError('GTFS static: empty input');
    if (inputs.main.byteLength > this.maxBytes) {
      throw new FeedParseError(
        `GTFS static: input is ${(inputs.main.byteLength / MB).toFixed(1)} MB, over the limit`,
      );
    }
    const warnings: string[] = [];
    const configured = Array.isArray(ctx.options?.stops) ? ctx.options.stops.filter(isRecord) : [];
    const only = configured.flatMap((s) =>
      Array.isArray(s.gtfsStopIds) ? s.gtfsStopIds.map(String) : [String(s.gtfsStopId ?? s.id)],
    );
    const g = cachedStatic(inputs.main, only);
    const updates = new Map<string, TripUpdate>();
    let observed = DateTime.fromJSDate(ctx.fetchedAt).startOf('minute');
    if (inputs.realtime) {
      const msg = decodeRealtime(inputs.realtime);
      const ts = longToNumber(msg.header.timestamp);
      if (ts) observed = DateTime.fromSeconds(ts);
      let vehicles = 0;
      for (const e of msg.entity ?? []) {
        if (e.vehicle) vehicles++;
        const tu = e.tripUpdate;
        if (!tu?.trip?.tripId) continue;
        const k = [tu.trip.tripId, tu.trip.startTime ?? '', tu.trip.startDate ?? ''].join('|');
        updates.set(k, tu);
        if (!updates.has(tu.trip.tripId)) updates.set(tu.trip.tripId, tu);
      }
      if (updates.size === 0) {
        warnings.push(
          `GTFS-Realtime feed has no TripUpdates (${vehicles} vehicle positions); planned times only`,
        );
      }
    }
    const windowMin = num(ctx.options?.windowMinutes) ?? 90;
    const max = Math.min(num(ctx.options?.maxDepartures) ?? 30, 500);
    const fromMs = ctx.fetchedAt.getTime() - 2 * 60_000;
    const toMs = fromMs + (windowMin + 2) * 60_000;
    const snaps: TransportSnapshot[] = [];
    for (const spec of stopSpecs(ctx, g)) {
      const ids = new Set<string>();
      for (const id of spec.gtfsStopIds) {
        if (!g.stops.has(id)) warnings.push(`stop ${id} is not in stops.txt`);
        ids.add(id);
        for (const [child, s] of g.stops) if (s.parent === id) ids.add(child);
      }
      const cands = planned(g, ids, fromMs, toMs);
      for (const c of cands) {
        const tu =
          updates.get([c.tripId, c.startTime ?? '', c.startDate].join('|')) ??
          updates.get([c.tripId, c.startTime ?? '', ''].join('|')) ??
          (c.startTime === null ? updates.get(c.tripId) : undefined);
        if (tu) applyUpdate(c, tu, g);
      }
      cands.sort((a, b) => a.plannedMs - b.plannedMs);
      const first = g.stops.get(spec.gtfsStopIds[0] ?? '');
      const snap: TransportSnapshot = {
        kind: 'transport',
        stopId: spec.id,
        stopName: (spec.name ?? first?.name ?? spec.id).slice(0, 200),
        departures: cands.slice(0, max).map((c) => toDeparture(c, g)),
        observedAt: iso(observed),
        fetchedAt: isoOfDate(ctx.fetchedAt),
        ttlS: ctx.ttlS ?? DEFAULT_TTL_S.transport,
        source: ctx.source,
      };
      if (first?.lat != null && first.lon != null) snap.location = { lat: first.lat, lon: first.lon };
      if (ctx.demo) snap.demo = true;
      if (configured.length > 0 || snap.departures.length > 0) snaps.push(snap);
    }
    return validated('transport', snaps, warnings, what);
  },
};
