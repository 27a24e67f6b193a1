import { DateTime } from 'luxon';
import type { CityEvent, EventsSnapshot } from '../../../protocol/index.ts';
import type { AdapterContext } from '../types.ts';
import { isoOfDate, safeId, str } from '../util.ts';
import { DEFAULT_TTL_S } from '../validate.ts';

export const DEFAULT_WINDOW_DAYS = 14;
const MAX_EVENTS = 2000;

/** The display window: from ctx.window, else from the fetch time to 14 days later. */
export function windowOf(ctx: AdapterContext): { from: DateTime; to: DateTime } {
  if (ctx.window)
    return { from: DateTime.fromJSDate(ctx.window.from), to: DateTime.fromJSDate(ctx.window.to) };
  const from = DateTime.fromJSDate(ctx.fetchedAt);
  return { from, to: from.plus({ days: DEFAULT_WINDOW_DAYS }) };
}

export function httpUrl(v: unknown): string | null {
  const s = str(v)?.trim();
  if (!s) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Sorts, de-duplicates and caps the events, and wraps them in a snapshot for the configured area. */
export function eventsSnapshot(
  events: CityEvent[],
  ctx: AdapterContext,
  warnings: string[],
  observedAt: string,
): EventsSnapshot {
  const seen = new Set<string>();
  const unique = events.filter((e) => {
    if (seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
  unique.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
  if (unique.length > MAX_EVENTS) warnings.push(`kept the first ${MAX_EVENTS} of ${unique.length} events`);
  const snap: EventsSnapshot = {
    kind: 'events',
    area: safeId(str(ctx.options?.area) ?? 'default'),
    events: unique.slice(0, MAX_EVENTS),
    observedAt,
    fetchedAt: isoOfDate(ctx.fetchedAt),
    ttlS: ctx.ttlS ?? DEFAULT_TTL_S.events,
    source: ctx.source,
  };
  if (ctx.demo) snap.demo = true;
  return snap;
}
