import { DateTime } from 'luxon';
import type { CityEvent, EventsSnapshot, LocalizedText } from '../../../protocol/index.ts';
import { type FeedAdapter, FeedParseError } from '../types.ts';
import { CITY_ZONE, MB, isRecord, iso, num, observedFallback, parseJson, str, textOf } from '../util.ts';
import { validated } from '../validate.ts';
import { eventsSnapshot, httpUrl, windowOf } from './events-common.ts';

type Obj = Record<string, unknown>;

/** schema.org Event types (Event and its subtypes). */
const EVENT_TYPE =
  /^(?:https?:\/\/schema\.org\/)?(?:Event|BusinessEvent|ChildrensEvent|ComedyEvent|CourseInstance|DanceEvent|DeliveryEvent|EducationEvent|EventSeries|ExhibitionEvent|Festival|FoodEvent|Hackathon|LiteraryEvent|MusicEvent|PublicationEvent|SaleEvent|ScreeningEvent|SocialEvent|SportsEvent|TheaterEvent|VisualArtsEvent)$/;

function types(o: Obj): string[] {
  const t = o['@type'];
  return (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string');
}

/** Every object with an Event @type in a JSON-LD document (top level, arrays, @graph, nested). */
function collectEvents(v: unknown, out: Obj[], depth = 0): void {
  if (depth > 8) return;
  if (Array.isArray(v)) {
    for (const x of v) collectEvents(x, out, depth + 1);
    return;
  }
  if (!isRecord(v)) return;
  if (types(v).some((t) => EVENT_TYPE.test(t))) out.push(v);
  if (Array.isArray(v['@graph'])) collectEvents(v['@graph'], out, depth + 1);
  if (isRecord(v.mainEntity) || Array.isArray(v.mainEntity)) collectEvents(v.mainEntity, out, depth + 1);
  if (Array.isArray(v.itemListElement)) {
    collectEvents(
      v.itemListElement.map((x) => (isRecord(x) && isRecord(x.item) ? x.item : x)),
      out,
      depth + 1,
    );
  }
  if (isRecord(v.subEvent) || Array.isArray(v.subEvent)) collectEvents(v.subEvent, out, depth + 1);
}

/** A text that may be a plain string, a {@language,@value} object, or an array of those. */
function text(v: unknown, lang: string, inLanguage: string | undefined): LocalizedText | undefined {
  const out: LocalizedText = {};
  for (const x of Array.isArray(v) ? v : [v]) {
    if (typeof x === 'string' && x.trim() !== '') {
      const l = (inLanguage ?? lang).slice(0, 2).toLowerCase();
      if (!out[l]) out[l] = x.trim().slice(0, 2000);
    } else if (isRecord(x) && typeof x['@value'] === 'string') {
      const l = (str(x['@language']) ?? inLanguage ?? lang).slice(0, 2).toLowerCase();
      if (/^[a-z]{2}$/.test(l) && !out[l]) out[l] = x['@value'].trim().slice(0, 2000);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function time(v: unknown): { dt: DateTime; dateOnly: boolean } | null {
  const s = str(v)?.trim();
  if (!s) return null;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
  const dt = DateTime.fromISO(s, { zone: CITY_ZONE, setZone: !dateOnly });
  return dt.isValid ? { dt, dateOnly } : null;
}

function place(v: unknown): { venue: string | null; location: CityEvent['location'] } {
  const p = Array.isArray(v) ? v.find(isRecord) : v;
  if (typeof p === 'string') return { venue: p.slice(0, 300), location: null };
  if (!isRecord(p)) return { venue: null, location: null };
  const addr = isRecord(p.address)
    ? [str(p.address.streetAddress), str(p.address.addressLocality)].filter(Boolean).join(', ')
    : str(p.address);
  const name = str(p.name);
  const venue =
    (addr && name && addr.startsWith(name) ? addr : [name, addr].filter(Boolean).join(', ')) || null;
  const g = isRecord(p.geo) ? p.geo : undefined;
  const lat = num(g?.latitude);
  const lon = num(g?.longitude);
  const location =
    lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null;
  return { venue: venue?.slice(0, 300) ?? null, location };
}

/** Extracts the JSON-LD blocks from an HTML page, or takes the whole input as JSON. */
function documents(t: string, what: string): unknown[] {
  if (/^\s*</.test(t)) {
    const blocks = [
      ...t.matchAll(/<script[^>]*type\s*=\s*["']application\/ld\+json["'][^>]*>([\s\S]*?)<\/script>/gi),
    ];
    if (blocks.length === 0)
      throw new FeedParseError(`${what}: an HTML page without <script type="application/ld+json">`);
    return blocks.map((b, i) => parseJson(b[1] ?? '', `${what} (script block ${i + 1})`));
  }
  return [parseJson(t, what)];
}

/** schema.org Event as JSON-LD: a JSON document, or an HTML page carrying ld+json script blocks. */
export const jsonLdAdapter: FeedAdapter<EventsSnapshot> = {
  format: 'jsonld-events',
  kind: 'events',
  description: 'schema.org Event JSON-LD (JSON or HTML with ld+json blocks)',
  maxBytes: 20 * MB,
  detect: (t) => /"@context"/.test(t) && /schema\.org/.test(t),
  parse(inputs, ctx) {
    const what = 'schema.org Event JSON-LD';
    const docs = documents(textOf(inputs.main, this.maxBytes, what), what);
    const found: Obj[] = [];
    for (const d of docs) collectEvents(d, found);
    if (found.length === 0) throw new FeedParseError(`${what}: no object of @type Event (or a subtype)`);
    const warnings: string[] = [];
    const lang = ctx.lang ?? 'en';
    const { from, to } = windowOf(ctx);
    const events: CityEvent[] = [];
    let usable = 0;
    found.forEach((o, i) => {
      const inLanguage = str(o.inLanguage);
      const title = text(o.name, lang, inLanguage);
      const start = time(o.startDate);
      const label = str(o['@id']) ?? str(o.url) ?? `event ${i + 1}`;
      if (!title || !start) {
        warnings.push(`${label}: no ${title ? 'startDate' : 'name'}, skipped`);
        return;
      }
      usable++;
      if (/Cancelled/i.test(str(o.eventStatus) ?? '')) return;
      const endT = time(o.endDate);
      // A date-only endDate means the event lasts through that day.
      const end = endT ? (endT.dateOnly ? endT.dt.plus({ days: 1 }) : endT.dt) : null;
      const allDay = start.dateOnly;
      if ((end ?? start.dt) < from || start.dt >= to) return;
      const { venue, location } = place(o.location);
      const cat = str(Array.isArray(o.keywords) ? o.keywords[0] : o.keywords)
        ?.split(',')[0]
        ?.trim();
      const ev: CityEvent = {
        id: (str(o['@id']) ?? `${str(o.url) ?? 'event'}#${iso(start.dt)}`).slice(0, 300),
        title,
        start: iso(start.dt),
        end: end && end > start.dt ? iso(end) : null,
        allDay,
        venue,
        location,
        category:
          (cat ?? types(o).find((t) => t !== 'Event') ?? null)
            ?.replace(/^https?:\/\/schema\.org\//, '')
            .slice(0, 100) ?? null,
        url: httpUrl(o.url),
      };
      const description = text(o.description, lang, inLanguage);
      if (description) ev.description = description;
      events.push(ev);
    });
    if (usable === 0)
      throw new FeedParseError(`${what}: none of ${found.length} events is usable (${warnings[0]})`);
    return validated(
      'events',
      [eventsSnapshot(events, ctx, warnings, observedFallback(ctx.fetchedAt, 'hour'))],
      warnings,
      what,
    );
  },
};
