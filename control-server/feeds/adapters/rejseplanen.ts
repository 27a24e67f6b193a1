import { DateTime } from 'luxon';
import type { Departure, TransportMode, TransportSnapshot } from '../../../protocol/index.ts';
import { type AdapterContext, type FeedAdapter, FeedParseError, type ParseResult } from '../types.ts';
import {
  CITY_ZONE,
  MB,
  attr,
  isRecord,
  iso,
  isoOfDate,
  observedFallback,
  kid,
  kids,
  localDateTime,
  many,
  num,
  parseJson,
  parseXml,
  rootNamespace,
  safeId,
  str,
  textOf,
} from '../util.ts';
import { DEFAULT_TTL_S, validated } from '../validate.ts';

/** One departure as both Rejseplanen APIs describe it, before normalization. */
interface RawDeparture {
  name: string;
  type?: string;
  stop: string;
  stopExtId?: string;
  lat?: number | null;
  lon?: number | null;
  date: string;
  time: string;
  rtDate?: string;
  rtTime?: string;
  track?: string;
  rtTrack?: string;
  direction: string;
  cancelled: boolean;
  catOut?: string;
  cls?: number | null;
  line?: string;
  journeyRef?: string;
}

/** Options of a Rejseplanen source (content/feeds.json `options`). */
interface BoardOptions {
  /** Publish the whole board under this id (a board often mixes several stop points of one place). */
  stopId?: string;
  stopName?: string;
  location?: { lat: number; lon: number };
  maxDepartures?: number;
}

function boardOptions(ctx: AdapterContext): BoardOptions {
  const o = ctx.options ?? {};
  const loc = isRecord(o.location) ? o.location : undefined;
  return {
    stopId: str(o.stopId),
    stopName: str(o.stopName),
    location:
      loc && num(loc.lat) !== null && num(loc.lon) !== null
        ? { lat: num(loc.lat)!, lon: num(loc.lon)! }
        : undefined,
    maxDepartures: num(o.maxDepartures) ?? undefined,
  };
}

/** Rejseplanen 2.0 product classes (bit values of `cls`). */
function modeOf(d: RawDeparture): TransportMode {
  const cat = (d.catOut ?? d.type ?? '').toUpperCase();
  const name = d.name.toUpperCase();
  if (cat === 'M' || cat === 'METRO' || name.startsWith('METRO')) return 'metro';
  if (cat === 'S' || cat === 'S-TOG' || name.startsWith('S-TOG')) return 's-train';
  if (cat === 'LET' || cat === 'LETBANE' || name.startsWith('LETBANE')) return 'tram';
  if (cat === 'F' || cat === 'FÆRGE' || cat === 'FERRY' || name.startsWith('FÆRGE')) return 'ferry';
  if (['BUS', 'EXB', 'NB', 'TB', 'E', 'N', 'TOGBUS'].includes(cat) || name.startsWith('BUS ')) return 'bus';
  if (['IC', 'ICL', 'LYN', 'RE', 'REG', 'TOG', 'L', 'EC', 'IR', 'ØR'].includes(cat)) return 'train';
  const cls = d.cls ?? 0;
  if (cls & 1024) return 'metro';
  if (cls & 16) return 's-train';
  if (cls & 2048) return 'tram';
  if (cls & 512) return 'ferry';
  if (cls & (32 | 64 | 128 | 256)) return 'bus';
  if (cls & (1 | 2 | 4 | 8)) return 'train';
  return 'other';
}

function lineOf(d: RawDeparture, mode: TransportMode): string {
  if (d.line?.trim()) return d.line.trim();
  const name = d.name.replace(/\s+/g, ' ').trim();
  if (mode === 'bus') return name.replace(/^bus\s+/i, '') || name;
  if (mode === 'metro') return name.replace(/^metro\s+/i, '') || name;
  if (mode === 'tram') return name.replace(/^letbane\s+/i, '') || name;
  return name;
}

/** Date `2025-05-23` (API 2.0) or `23.05.25` (old API) plus `HH:MM[:SS]`, in Danish local time. */
function localTime(date: string, time: string): DateTime | null {
  const d = date.trim();
  const t = time.trim();
  const old = /^(\d{2})\.(\d{2})\.(\d{2}|\d{4})$/.exec(d);
  if (old) {
    const year = old[3]!.length === 2 ? 2000 + Number(old[3]) : Number(old[3]);
    return localDateTime(`${year}-${old[2]}-${old[1]} ${t}`, CITY_ZONE);
  }
  return localDateTime(`${d} ${t}`, CITY_ZONE);
}

function normalize(
  raw: RawDeparture[],
  ctx: AdapterContext,
  observedAt: string,
  what: string,
): ParseResult<TransportSnapshot> {
  const warnings: string[] = [];
  const opts = boardOptions(ctx);
  const groups = new Map<string, { name: string; loc?: { lat: number; lon: number }; deps: Departure[] }>();
  raw.forEach((d, i) => {
    const planned = localTime(d.date, d.time);
    if (!planned) {
      warnings.push(`departure ${i + 1} (${d.name}): unreadable date/time "${d.date} ${d.time}"`);
      return;
    }
    const expected = d.rtTime ? localTime(d.rtDate ?? d.date, d.rtTime) : null;
    if (d.rtTime && !expected)
      warnings.push(`departure ${i + 1} (${d.name}): unreadable real-time "${d.rtTime}"`);
    const mode = modeOf(d);
    const dep: Departure = {
      line: lineOf(d, mode).slice(0, 40),
      mode,
      direction: d.direction.slice(0, 200),
      plannedAt: iso(planned),
      expectedAt: expected ? iso(expected) : null,
      delayS: expected ? Math.round(expected.diff(planned, 'seconds').seconds) : null,
      track: (d.rtTrack ?? d.track)?.slice(0, 20) ?? null,
      cancelled: d.cancelled,
    };
    if (d.journeyRef) dep.tripId = d.journeyRef.slice(0, 200);
    const key = opts.stopId ?? d.stopExtId ?? d.stop;
    let g = groups.get(key);
    if (!g) {
      g = { name: opts.stopName ?? d.stop, deps: [] };
      if (opts.location) g.loc = opts.location;
      else if (d.lat != null && d.lon != null) g.loc = { lat: d.lat, lon: d.lon };
      groups.set(key, g);
    }
    g.deps.push(dep);
  });
  if (raw.length > 0 && groups.size === 0)
    throw new FeedParseError(`${what}: no readable departure (${warnings[0]})`);
  if (groups.size === 0 && opts.stopId)
    groups.set(opts.stopId, { name: opts.stopName ?? opts.stopId, deps: [] });
  const max = Math.min(opts.maxDepartures ?? 500, 500);
  const snaps: TransportSnapshot[] = [...groups.entries()].map(([key, g]) => {
    const deps = g.deps.sort((a, b) => Date.parse(a.plannedAt) - Date.parse(b.plannedAt));
    if (deps.length > max) warnings.push(`${key}: kept the first ${max} of ${deps.length} departures`);
    const s: TransportSnapshot = {
      kind: 'transport',
      stopId: opts.stopId ?? safeId(key),
      stopName: g.name.slice(0, 200) || key,
      departures: deps.slice(0, max),
      observedAt,
      fetchedAt: isoOfDate(ctx.fetchedAt),
      ttlS: ctx.ttlS ?? DEFAULT_TTL_S.transport,
      source: ctx.source,
    };
    if (g.loc) s.location = g.loc;
    if (ctx.demo) s.demo = true;
    return s;
  });
  return validated('transport', snaps, warnings, what);
}

function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

function observedOf(planRtTs: unknown, ctx: AdapterContext): string {
  const s = str(planRtTs);
  const dt = s ? DateTime.fromISO(s, { setZone: true }) : null;
  return dt?.isValid ? iso(dt) : observedFallback(ctx.fetchedAt);
}

function hafasError(obj: Record<string, unknown>, what: string): void {
  const code = str(obj.errorCode) ?? str(obj.error);
  if (code)
    throw new FeedParseError(
      `${what}: the service answered with error ${code}: ${str(obj.errorText) ?? ''}`.trim(),
    );
}

/** Rejseplanen API 2.0 (HAFAS REST) departure board, XML. */
export const rejseplanenXml: FeedAdapter<TransportSnapshot> = {
  format: 'rejseplanen-xml',
  kind: 'transport',
  description: 'Rejseplanen API 2.0 departureBoard, XML',
  maxBytes: 10 * MB,
  detect: (t) => /<DepartureBoard[\s>]/.test(t.slice(0, 2000)) && /hafas|Departure /.test(t),
  parse(inputs, ctx) {
    const what = 'Rejseplanen departure board (XML)';
    const text = textOf(inputs.main, this.maxBytes, what);
    const root = rootNamespace(text);
    if (root.name !== 'DepartureBoard')
      throw new FeedParseError(`${what}: root element is <${root.name}>, expected <DepartureBoard>`);
    if (root.ns && !/hafas/i.test(root.ns)) throw new FeedParseError(`${what}: unknown namespace ${root.ns}`);
    const doc = parseXml(text, what);
    const board = kid(doc, 'DepartureBoard');
    if (!board) throw new FeedParseError(`${what}: no <DepartureBoard>`);
    hafasError({ errorCode: attr(board, 'errorCode'), errorText: attr(board, 'errorText') }, what);
    const raw: RawDeparture[] = kids(board, 'Departure').map((d) => {
      const p = kid(d, 'ProductAtStop') ?? kid(d, 'Product');
      return {
        name: attr(d, 'name') ?? attr(p, 'name') ?? '?',
        type: attr(d, 'type'),
        stop: attr(d, 'stop') ?? '',
        stopExtId: attr(d, 'stopExtId'),
        lat: num(attr(d, 'lat')),
        lon: num(attr(d, 'lon')),
        date: attr(d, 'date') ?? '',
        time: attr(d, 'time') ?? '',
        rtDate: attr(d, 'rtDate'),
        rtTime: attr(d, 'rtTime'),
        track: attr(d, 'track') ?? attr(kid(d, 'platform'), 'text'),
        rtTrack: attr(d, 'rtTrack') ?? attr(kid(d, 'rtPlatform'), 'text'),
        direction: attr(d, 'direction') ?? '',
        cancelled: bool(attr(d, 'cancelled')),
        catOut: attr(p, 'catOut'),
        cls: num(attr(p, 'cls')),
        line: attr(p, 'line'),
        journeyRef: attr(kid(d, 'JourneyDetailRef'), 'ref'),
      };
    });
    return normalize(raw, ctx, observedOf(attr(board, 'planRtTs'), ctx), what);
  },
};

function jsonDeparture(d: Record<string, unknown>): RawDeparture {
  const p = [d.ProductAtStop, ...many(d.Product as unknown)].find(isRecord) as
    | Record<string, unknown>
    | undefined;
  const plat = isRecord(d.platform) ? str(d.platform.text) : undefined;
  const rtPlat = isRecord(d.rtPlatform) ? str(d.rtPlatform.text) : undefined;
  const ref = d.JourneyDetailRef;
  return {
    name: str(d.name) ?? str(p?.name) ?? '?',
    type: str(d.type),
    stop: str(d.stop) ?? '',
    stopExtId: str(d.stopExtId),
    lat: num(d.lat),
    lon: num(d.lon),
    date: str(d.date) ?? '',
    time: str(d.time) ?? '',
    rtDate: str(d.rtDate),
    rtTime: str(d.rtTime),
    track: str(d.track) ?? plat,
    rtTrack: str(d.rtTrack) ?? rtPlat,
    direction: str(d.direction) ?? str(d.finalStop) ?? '',
    cancelled: bool(d.cancelled),
    catOut: str(p?.catOut),
    cls: num(p?.cls),
    line: str(p?.line),
    journeyRef: isRecord(ref) ? str(ref.ref) : undefined,
  };
}

function departuresOf(v: unknown, what: string): Record<string, unknown>[] {
  const list = many(v as Record<string, unknown> | Record<string, unknown>[] | undefined);
  if (!list.every(isRecord))
    throw new FeedParseError(`${what}: "Departure" holds something other than objects`);
  return list;
}

/** Rejseplanen API 2.0 (HAFAS REST) departure board, JSON (`format=json`). */
export const rejseplanenJson: FeedAdapter<TransportSnapshot> = {
  format: 'rejseplanen-json',
  kind: 'transport',
  description: 'Rejseplanen API 2.0 departureBoard, JSON',
  maxBytes: 10 * MB,
  detect: (t) => /^\s*\{/.test(t) && /"Departure"/.test(t) && !/"DepartureBoard"/.test(t.slice(0, 200)),
  parse(inputs, ctx) {
    const what = 'Rejseplanen departure board (JSON)';
    const obj = parseJson(textOf(inputs.main, this.maxBytes, what), what);
    if (!isRecord(obj)) throw new FeedParseError(`${what}: expected a JSON object`);
    hafasError(obj, what);
    if (!('Departure' in obj) && !('serverVersion' in obj)) {
      throw new FeedParseError(`${what}: no "Departure" list (is this an API 2.0 departureBoard?)`);
    }
    const raw = departuresOf(obj.Departure, what).map(jsonDeparture);
    return normalize(raw, ctx, observedOf(obj.planRtTs, ctx), what);
  },
};

/** The older Rejseplanen REST API (xmlopen.rejseplanen.dk, `format=json`): dd.mm.yy dates, one departure as an object. */
export const rejseplanenLegacy: FeedAdapter<TransportSnapshot> = {
  format: 'rejseplanen-legacy-json',
  kind: 'transport',
  description: 'older Rejseplanen REST API departureBoard, JSON (dd.mm.yy, HH:MM)',
  maxBytes: 10 * MB,
  detect: (t) => /"DepartureBoard"\s*:/.test(t.slice(0, 500)),
  parse(inputs, ctx) {
    const what = 'Rejseplanen legacy departure board (JSON)';
    const obj = parseJson(textOf(inputs.main, this.maxBytes, what), what);
    const board = isRecord(obj) ? obj.DepartureBoard : undefined;
    if (!isRecord(board)) throw new FeedParseError(`${what}: no "DepartureBoard" object`);
    hafasError(board, what);
    const raw = departuresOf(board.Departure, what).map(jsonDeparture);
    return normalize(raw, ctx, observedFallback(ctx.fetchedAt), what);
  },
};
