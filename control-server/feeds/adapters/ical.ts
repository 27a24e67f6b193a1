import ICAL from 'ical.js';
import { DateTime, FixedOffsetZone } from 'luxon';
import type { CityEvent, EventsSnapshot, LocalizedText } from '../../../protocol/index.ts';
import { type AdapterContext, type FeedAdapter, FeedParseError } from '../types.ts';
import {
  CITY_ZONE,
  MB,
  type WallClock,
  getOrInit,
  isIanaZone,
  iso,
  observedFallback,
  textOf,
  wallTime,
} from '../util.ts';
import { validated } from '../validate.ts';
import { eventsSnapshot, httpUrl, windowOf } from './events-common.ts';

type Comp = InstanceType<typeof ICAL.Component>;
type ITime = InstanceType<typeof ICAL.Time>;
type ITimezone = InstanceType<typeof ICAL.Timezone>;

/** Windows time-zone names some calendar exports (Outlook, Exchange) use as TZID. */
const WINDOWS_ZONES: Record<string, string> = {
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Copenhagen',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'GMT Standard Time': 'Europe/London',
  UTC: 'UTC',
  'Eastern Standard Time': 'America/New_York',
  'Pacific Standard Time': 'America/Los_Angeles',
};

/** Maximum occurrences generated per recurring event, whatever its RRULE says. */
const MAX_ITERATIONS = 10_000;

interface Zones {
  vtimezones: Map<string, ITimezone>;
  warnings: string[];
  warned: Set<string>;
}

const ianaCache = new Map<string, string | null>();

/** The IANA zone a TZID names, or null. Cached: luxon's zone check builds an Intl formatter each time. */
function ianaOf(tzid: string): string | null {
  let v = ianaCache.get(tzid);
  if (v === undefined) {
    v = resolveIana(tzid);
    if (ianaCache.size > 1000) ianaCache.clear();
    ianaCache.set(tzid, v);
  }
  return v;
}

function resolveIana(tzid: string): string | null {
  const t = tzid.trim().replace(/^"|"$/g, '');
  if (isIanaZone(t)) return t;
  const win = WINDOWS_ZONES[t];
  if (win) return win;
  // "/mozilla.org/20050126_1/Europe/Berlin", "/freeassociation.sourceforge.net/Tzfile/Europe/Paris"
  const parts = t.split('/').filter(Boolean);
  for (let n = Math.min(3, parts.length); n >= 2; n--) {
    const cand = parts.slice(-n).join('/');
    if (isIanaZone(cand)) return cand;
  }
  return null;
}

/** An iCalendar time as an absolute instant (all-day dates are midnights in Copenhagen). */
function toDateTime(t: ITime, tzid: string | null, z: Zones): DateTime {
  const parts = {
    year: t.year,
    month: t.month,
    day: t.day,
    hour: t.hour,
    minute: t.minute,
    second: t.second,
  };
  const wall = (zone: string, p: WallClock = parts): DateTime => {
    const dt = wallTime(p, zone);
    if (!dt) throw new Error(`invalid time ${t.toString()}`);
    return dt;
  };
  if (t.isDate) return wall(CITY_ZONE, { year: t.year, month: t.month, day: t.day });
  if (t.zone?.tzid === 'UTC' || t.zone?.tzid === 'Z') return wall('UTC');
  if (tzid) {
    const iana = ianaOf(tzid);
    if (iana) return wall(iana);
    const vtz = z.vtimezones.get(tzid);
    if (vtz) {
      const offsetS = vtz.utcOffset(t);
      return DateTime.fromObject(parts, { zone: FixedOffsetZone.instance(offsetS / 60) });
    }
    if (!z.warned.has(tzid)) {
      z.warned.add(tzid);
      z.warnings.push(`unknown TZID "${tzid}" without VTIMEZONE; read as ${CITY_ZONE} local time`);
    }
  }
  return wall(CITY_ZONE);
}

function tzidOf(comp: Comp, name: string): string | null {
  const p = comp.getFirstProperty(name);
  const v = p?.getParameter('tzid');
  return typeof v === 'string' ? v : null;
}

function localized(comp: Comp, name: string, lang: string): LocalizedText | undefined {
  const out: LocalizedText = {};
  for (const p of comp.getAllProperties(name)) {
    const v = p.getFirstValue();
    if (typeof v !== 'string' || v.trim() === '') continue;
    const l = p.getParameter('language');
    const code = (typeof l === 'string' ? l : lang).slice(0, 2).toLowerCase();
    if (!/^[a-z]{2}$/.test(code) || out[code]) continue;
    out[code] = v.trim().slice(0, 2000);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function category(comp: Comp): string | null {
  for (const p of comp.getAllProperties('categories')) {
    for (const v of p.getValues()) {
      if (typeof v === 'string' && v.trim() !== '') return v.trim().slice(0, 100);
    }
  }
  return null;
}

function geo(comp: Comp): CityEvent['location'] {
  const g = comp.getFirstPropertyValue('geo');
  if (Array.isArray(g) && typeof g[0] === 'number' && typeof g[1] === 'number') {
    if (Math.abs(g[0]) <= 90 && Math.abs(g[1]) <= 180) return { lat: g[0], lon: g[1] };
  }
  return null;
}

function unfold(text: string): string {
  return text.replace(/\r?\n[ \t]/g, '');
}

/**
 * Parses the calendar; when one component is broken (a bad RRULE, an unreadable date), each VEVENT is
 * parsed on its own so that one bad event does not take the whole calendar down.
 */
function components(text: string, warnings: string[], what: string): Comp[] {
  try {
    return [new ICAL.Component(ICAL.parse(text) as unknown as [string, unknown[], unknown[]])];
  } catch (whole) {
    const unfolded = unfold(text);
    const tzs = unfolded.match(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r?\n/g) ?? [];
    const events = unfolded.match(/BEGIN:VEVENT[\s\S]*?END:VEVENT/g) ?? [];
    const out: Comp[] = [];
    for (const ev of events) {
      try {
        const doc = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${tzs.join('')}${ev}\r\nEND:VCALENDAR\r\n`;
        out.push(new ICAL.Component(ICAL.parse(doc) as unknown as [string, unknown[], unknown[]]));
      } catch (e) {
        const uid = /^UID:(.*)$/m.exec(ev)?.[1]?.trim() ?? '?';
        warnings.push(`event ${uid}: ${(e as Error).message}; skipped`);
      }
    }
    if (out.length === 0) throw new FeedParseError(`${what}: ${(whole as Error).message}`);
    return out;
  }
}

function occurrenceEvent(
  comp: Comp,
  start: DateTime,
  end: DateTime | null,
  allDay: boolean,
  id: string,
  lang: string,
): CityEvent | null {
  const title = localized(comp, 'summary', lang);
  if (!title) return null;
  const ev: CityEvent = {
    id: id.slice(0, 300),
    title,
    start: iso(start),
    end: end ? iso(end) : null,
    allDay,
    venue: (comp.getFirstPropertyValue('location') as string | null)?.trim().slice(0, 300) || null,
    location: geo(comp),
    category: category(comp),
    url: httpUrl(comp.getFirstPropertyValue('url')),
  };
  const description = localized(comp, 'description', lang);
  if (description) ev.description = description;
  return ev;
}

/** iCalendar (RFC 5545): VTIMEZONE/TZID, RRULE, EXDATE and RECURRENCE-ID expanded for the display window. */
export const icalAdapter: FeedAdapter<EventsSnapshot> = {
  format: 'ical',
  kind: 'events',
  description: 'iCalendar (.ics), recurring events expanded for the window',
  maxBytes: 20 * MB,
  detect: (t) => /^\s*BEGIN:VCALENDAR/i.test(t),
  parse(inputs, ctx) {
    const what = 'iCalendar';
    const text = textOf(inputs.main, this.maxBytes, what);
    if (!/^\s*BEGIN:VCALENDAR/i.test(text))
      throw new FeedParseError(`${what}: does not start with BEGIN:VCALENDAR`);
    if (!/END:VCALENDAR\s*$/i.test(text))
      throw new FeedParseError(`${what}: truncated (no END:VCALENDAR at the end)`);
    const warnings: string[] = [];
    const lang = ctx.lang ?? 'en';
    const { from, to } = windowOf(ctx);
    const z: Zones = { vtimezones: new Map(), warnings, warned: new Set() };
    const cals = components(text, warnings, what);
    const vevents: Comp[] = [];
    for (const cal of cals) {
      for (const tz of cal.getAllSubcomponents('vtimezone')) {
        try {
          const t = new ICAL.Timezone(tz);
          if (t.tzid) z.vtimezones.set(t.tzid, t);
        } catch (e) {
          warnings.push(`a VTIMEZONE could not be read: ${(e as Error).message}`);
        }
      }
      vevents.push(...cal.getAllSubcomponents('vevent'));
    }
    const byUid = new Map<string, { master?: Comp; exceptions: Comp[] }>();
    vevents.forEach((v, i) => {
      const uid = String(v.getFirstPropertyValue('uid') ?? `event-${i + 1}`);
      const g = getOrInit(byUid, uid, () => ({ exceptions: [] }));
      if (v.hasProperty('recurrence-id')) g.exceptions.push(v);
      else if (!g.master) g.master = v;
      else warnings.push(`event ${uid}: a second VEVENT with the same UID, ignored`);
    });
    const events: CityEvent[] = [];
    let usable = 0;
    const inWindow = (s: DateTime, e: DateTime | null) => (e ?? s) >= from && s < to;
    for (const [uid, g] of byUid) {
      const comps = g.master ? [g.master] : g.exceptions; // orphan exceptions stand alone
      for (const comp of comps) {
        try {
          if (!comp.hasProperty('dtstart')) {
            warnings.push(`event ${uid}: no DTSTART, skipped`);
            continue;
          }
          const event = new ICAL.Event(comp, {
            exceptions: g.master ? g.exceptions : [],
            strictExceptions: false,
          });
          usable++;
          if (!event.isRecurring()) {
            if (String(comp.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') continue;
            const s = toDateTime(event.startDate, tzidOf(comp, 'dtstart'), z);
            const endT = comp.hasProperty('dtend') || comp.hasProperty('duration') ? event.endDate : null;
            let e = endT ? toDateTime(endT, tzidOf(comp, 'dtend') ?? tzidOf(comp, 'dtstart'), z) : null;
            if (e && e < s) e = null;
            if (!inWindow(s, e)) continue;
            const ev = occurrenceEvent(comp, s, e, event.startDate.isDate, uid, lang);
            if (ev) events.push(ev);
            else warnings.push(`event ${uid}: no SUMMARY, skipped`);
            continue;
          }
          const it = event.iterator();
          const horizon = to.plus({ days: 31 });
          // Wall-clock bounds (as if UTC, with a day of slack for any offset): occurrences clearly before
          // the window are skipped without time-zone work, unless an exception moves them.
          const skipBefore = from.toMillis() - 2 * 86_400_000;
          const stopAfter = horizon.toMillis() + 2 * 86_400_000;
          const moved = new Set(g.exceptions.map((x) => String(x.getFirstPropertyValue('recurrence-id'))));
          let n = 0;
          for (let next = it.next(); next; next = it.next()) {
            if (++n > MAX_ITERATIONS) {
              warnings.push(`event ${uid}: stopped expanding after ${MAX_ITERATIONS} occurrences`);
              break;
            }
            const wall = Date.UTC(next.year, next.month - 1, next.day, next.hour, next.minute, next.second);
            if (wall > stopAfter) break;
            if (wall < skipBefore && !moved.has(next.toString())) continue;
            const rid = toDateTime(next, tzidOf(comp, 'dtstart'), z);
            if (rid > horizon) break;
            const d = event.getOccurrenceDetails(next);
            const item = d.item.component;
            if (String(item.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') continue;
            const sTz = tzidOf(item, 'dtstart') ?? tzidOf(comp, 'dtstart');
            const s = toDateTime(d.startDate, sTz, z);
            const e = toDateTime(d.endDate, tzidOf(item, 'dtend') ?? sTz, z);
            if (!inWindow(s, e > s ? e : null)) continue;
            const ev = occurrenceEvent(
              item,
              s,
              e > s ? e : null,
              d.startDate.isDate,
              `${uid}@${iso(rid)}`,
              lang,
            );
            if (ev) events.push(ev);
          }
        } catch (e) {
          warnings.push(`event ${uid}: ${(e as Error).message}; skipped`);
        }
      }
    }
    if (vevents.length > 0 && usable === 0) {
      throw new FeedParseError(
        `${what}: none of ${vevents.length} events is usable (${warnings[0] ?? 'unknown reason'})`,
      );
    }
    const others = cals.reduce(
      (n, c) =>
        n + c.getAllSubcomponents().filter((s) => s.name !== 'vevent' && s.name !== 'vtimezone').length,
      0,
    );
    if (others > 0) warnings.push(`${others} components other than VEVENT (VTODO, VJOURNAL, ...) ignored`);
    return validated(
      'events',
      [eventsSnapshot(events, ctx, warnings, observedFallback(ctx.fetchedAt, 'hour'))],
      warnings,
      what,
    );
  },
};

export type { AdapterContext };
