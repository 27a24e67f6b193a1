import type {
  CityEvent,
  Departure,
  EventsSnapshot,
  ParkingSnapshot,
  TransportSnapshot,
  WaterSnapshot,
} from '../../../../protocol/index.ts';
import { freshnessOf } from '../../../../protocol/index.ts';
import type { KioskState } from '../../../bridge/types.ts';
import { addDays, cphDay } from './time.ts';

/** When the vehicle leaves: the real-time estimate when there is one, else the timetable. */
export function departureTime(d: Departure): number {
  return Date.parse(d.expectedAt ?? d.plannedAt);
}

/** Whole minutes until departure, rounded down; negative once it has left. */
export function minutesUntil(d: Departure, now: number): number {
  return Math.floor((departureTime(d) - now) / 60_000);
}

export type DelayState = 'on-time' | 'late' | 'early' | 'cancelled' | 'timetable';

export function delayState(d: Departure): { state: DelayState; min: number } {
  if (d.cancelled) return { state: 'cancelled', min: 0 };
  if (d.delayS === null || d.expectedAt === null) return { state: 'timetable', min: 0 };
  const min = Math.round(d.delayS / 60);
  if (min >= 1) return { state: 'late', min };
  if (min <= -1) return { state: 'early', min: -min };
  return { state: 'on-time', min: 0 };
}

/** Departures still to come (cancelled ones are kept while their planned time is ahead), soonest first. */
export function upcoming(s: TransportSnapshot, now: number, max = 8): Departure[] {
  return s.departures
    .filter((d) => departureTime(d) - now > -30_000)
    .sort((a, b) => departureTime(a) - departureTime(b))
    .slice(0, max);
}

export type ParkingLevel = 'available' | 'few' | 'full' | 'closed' | 'unknown';

export function parkingLevel(p: ParkingSnapshot): ParkingLevel {
  if (p.status === 'closed') return 'closed';
  if (p.status === 'full' || p.free === 0) return 'full';
  if (p.total <= 0) return 'unknown';
  const share = p.free / p.total;
  return share < 0.1 || p.free < 10 ? 'few' : 'available';
}

export type FeedKind = 'transport' | 'parking' | 'water' | 'events';
type SnapshotOf = {
  transport: TransportSnapshot;
  parking: ParkingSnapshot;
  water: WaterSnapshot;
  events: EventsSnapshot;
};

/** The snapshots this screen subscribes to, in its configured order; ids without data give null. */
export function configured<K extends FeedKind>(
  state: KioskState | null,
  kind: K,
): Array<{ id: string; snapshot: SnapshotOf[K] | null }> {
  if (!state?.config) return [];
  const all = state.feeds[kind] as Record<string, SnapshotOf[K]>;
  return state.config.feeds[kind].map((id) => ({ id, snapshot: all[id] ?? null }));
}

/** The first subscribed water site whose data is not expired (for the top band). */
export function nearbyWater(state: KioskState | null, now: number): WaterSnapshot | null {
  for (const { snapshot } of configured(state, 'water')) {
    if (snapshot && snapshot.waterTempC !== null && freshnessOf(snapshot, now).state !== 'expired')
      return snapshot;
  }
  return null;
}

export type EventRange = 'today' | 'week';

/** Events that are on today (or in the next 7 days), running ones included, by start time. */
export function eventsIn(events: CityEvent[], range: EventRange, now: number): CityEvent[] {
  const today = cphDay(now);
  const last = range === 'today' ? today : addDays(today, 6);
  return events
    .filter((e) => {
      const startDay = cphDay(e.start);
      const endT = e.end ? Date.parse(e.end) : Date.parse(e.start) + 2 * 3600_000;
      if (endT < now) return false;
      return startDay <= last;
    })
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** The distinct categories of a list of events, most frequent first. */
export function categoriesOf(events: CityEvent[]): string[] {
  const n = new Map<string, number>();
  for (const e of events) if (e.category) n.set(e.category, (n.get(e.category) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}

/** All events of all subscribed, non-expired areas, deduplicated by id. */
export function allEvents(state: KioskState | null, now: number): CityEvent[] {
  const seen = new Map<string, CityEvent>();
  for (const { snapshot } of configured(state, 'events')) {
    if (!snapshot || freshnessOf(snapshot, now).state === 'expired') continue;
    for (const e of snapshot.events) if (!seen.has(e.id)) seen.set(e.id, e);
  }
  return [...seen.values()];
}
