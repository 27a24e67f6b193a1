import { parse as parseCsv } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { FeedParseError } from '../types.ts';
import { getOrInit } from '../util.ts';

/** The parts of a static GTFS feed the departure board needs, indexed for lookups by stop and trip. */
export interface GtfsStatic {
  timezone: string;
  stops: Map<string, { name: string; lat: number | null; lon: number | null; parent: string | null }>;
  routes: Map<string, { shortName: string; longName: string; type: number }>;
  trips: Map<string, { routeId: string; serviceId: string; headsign: string | null }>;
  /** stop id -> stop_times rows at that stop. */
  stopTimes: Map<string, { tripId: string; depS: number; seq: number }[]>;
  /** trip id -> departure seconds at its first stop (frequency-based trips are offsets from it). */
  tripStart: Map<string, number>;
  /** trip id -> (stop id -> stop_sequence), to place realtime updates given by stop id. */
  tripSeq: Map<string, Map<string, number>>;
  tripLastStop: Map<string, string>;
  frequencies: Map<string, { startS: number; endS: number; headwayS: number }[]>;
  calendar: Map<string, { days: boolean[]; start: string; end: string }>;
  /** service id -> date (YYYYMMDD) -> 1 added, 2 removed. */
  calendarDates: Map<string, Map<string, number>>;
}

const NEEDED = [
  'agency.txt',
  'stops.txt',
  'routes.txt',
  'trips.txt',
  'stop_times.txt',
  'calendar.txt',
  'calendar_dates.txt',
  'frequencies.txt',
];

type Row = Record<string, string>;

function rows(files: Record<string, Uint8Array>, name: string, required: boolean): Row[] {
  const bytes = files[name] ?? Object.entries(files).find(([k]) => k.endsWith(`/${name}`))?.[1];
  if (!bytes) {
    if (required) throw new FeedParseError(`GTFS static: ${name} is missing from the zip`);
    return [];
  }
  try {
    return parseCsv(Buffer.from(bytes), {
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as Row[];
  } catch (e) {
    throw new FeedParseError(`GTFS static: ${name} is not valid CSV (${(e as Error).message})`);
  }
}

/** "HH:MM:SS" (hours may exceed 24) -> seconds after noon-minus-12h of the service day. */
export function gtfsTime(s: string | undefined): number | null {
  const m = /^(\d{1,3}):([0-5]\d):([0-5]\d)$/.exec((s ?? '').trim());
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

function numOrNull(s: string | undefined): number | null {
  if (s === undefined || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/**
 * Reads a GTFS static zip. `onlyStops` (GTFS stop ids, parents expand to their children) limits the
 * stop_times kept in memory, which matters for national feeds with millions of rows.
 */
export function loadGtfsStatic(zip: Uint8Array, onlyStops?: readonly string[]): GtfsStatic {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, { filter: (f) => NEEDED.some((n) => f.name === n || f.name.endsWith(`/${n}`)) });
  } catch (e) {
    throw new FeedParseError(`GTFS static: not a readable zip file (${(e as Error).message})`);
  }
  const agency = rows(files, 'agency.txt', true);
  const timezone = agency[0]?.agency_timezone?.trim();
  if (!timezone) throw new FeedParseError('GTFS static: agency.txt has no agency_timezone');

  const stops: GtfsStatic['stops'] = new Map();
  for (const r of rows(files, 'stops.txt', true)) {
    if (!r.stop_id) continue;
    stops.set(r.stop_id, {
      name: (r.stop_name ?? r.stop_id).trim() || r.stop_id,
      lat: numOrNull(r.stop_lat),
      lon: numOrNull(r.stop_lon),
      parent: r.parent_station?.trim() || null,
    });
  }
  const routes: GtfsStatic['routes'] = new Map();
  for (const r of rows(files, 'routes.txt', true)) {
    if (!r.route_id) continue;
    routes.set(r.route_id, {
      shortName: r.route_short_name ?? '',
      longName: r.route_long_name ?? '',
      type: numOrNull(r.route_type) ?? 3,
    });
  }
  const trips: GtfsStatic['trips'] = new Map();
  for (const r of rows(files, 'trips.txt', true)) {
    if (!r.trip_id || !r.route_id || !r.service_id) continue;
    trips.set(r.trip_id, {
      routeId: r.route_id,
      serviceId: r.service_id,
      headsign: r.trip_headsign?.trim() || null,
    });
  }

  let wanted: Set<string> | null = null;
  if (onlyStops && onlyStops.length > 0) {
    wanted = new Set(onlyStops);
    for (const [id, s] of stops) if (s.parent && wanted.has(s.parent)) wanted.add(id);
  }
  const stopTimes: GtfsStatic['stopTimes'] = new Map();
  const tripStart = new Map<string, number>();
  const tripStartSeq = new Map<string, number>();
  const tripLast = new Map<string, { seq: number; stop: string }>();
  const allSeq = new Map<string, Map<string, number>>();
  for (const r of rows(files, 'stop_times.txt', true)) {
    const tripId = r.trip_id;
    const stopId = r.stop_id;
    const seq = numOrNull(r.stop_sequence);
    if (!tripId || !stopId || seq === null) continue;
    const dep = gtfsTime(r.departure_time) ?? gtfsTime(r.arrival_time);
    if (dep !== null && (tripStartSeq.get(tripId) ?? Number.POSITIVE_INFINITY) > seq) {
      tripStartSeq.set(tripId, seq);
      tripStart.set(tripId, dep);
    }
    const last = tripLast.get(tripId);
    if (!last || last.seq < seq) tripLast.set(tripId, { seq, stop: stopId });
    getOrInit(allSeq, tripId, () => new Map<string, number>()).set(stopId, seq);
    if (dep === null || (wanted && !wanted.has(stopId))) continue;
    getOrInit(stopTimes, stopId, () => []).push({ tripId, depS: dep, seq });
  }
  const tripSeq: GtfsStatic['tripSeq'] = new Map();
  for (const list of stopTimes.values())
    for (const st of list) tripSeq.set(st.tripId, allSeq.get(st.tripId)!);

  const frequencies: GtfsStatic['frequencies'] = new Map();
  for (const r of rows(files, 'frequencies.txt', false)) {
    const s = gtfsTime(r.start_time);
    const e = gtfsTime(r.end_time);
    const h = numOrNull(r.headway_secs);
    if (!r.trip_id || s === null || e === null || !h || h <= 0) continue;
    getOrInit(frequencies, r.trip_id, () => []).push({ startS: s, endS: e, headwayS: h });
  }
  const calendar: GtfsStatic['calendar'] = new Map();
  for (const r of rows(files, 'calendar.txt', false)) {
    if (!r.service_id) continue;
    const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map(
      (d) => r[d] === '1',
    );
    calendar.set(r.service_id, { days, start: r.start_date ?? '00000000', end: r.end_date ?? '99999999' });
  }
  const calendarDates: GtfsStatic['calendarDates'] = new Map();
  for (const r of rows(files, 'calendar_dates.txt', false)) {
    if (!r.service_id || !r.date) continue;
    getOrInit(calendarDates, r.service_id, () => new Map<string, number>()).set(
      r.date,
      Number(r.exception_type),
    );
  }
  if (calendar.size === 0 && calendarDates.size === 0) {
    throw new FeedParseError('GTFS static: neither calendar.txt nor calendar_dates.txt has a service');
  }
  const tripLastStop = new Map<string, string>();
  for (const [t, l] of tripLast) tripLastStop.set(t, l.stop);
  return {
    timezone,
    stops,
    routes,
    trips,
    stopTimes,
    tripStart,
    tripSeq,
    tripLastStop,
    frequencies,
    calendar,
    calendarDates,
  };
}

/** Whether a service runs on a date (YYYYMMDD, weekday 1 = Monday as in luxon). */
export function serviceRuns(g: GtfsStatic, serviceId: string, ymd: string, weekday: number): boolean {
  const ex = g.calendarDates.get(serviceId)?.get(ymd);
  if (ex === 1) return true;
  if (ex === 2) return false;
  const c = g.calendar.get(serviceId);
  return !!c && c.start <= ymd && ymd <= c.end && c.days[weekday - 1] === true;
}
