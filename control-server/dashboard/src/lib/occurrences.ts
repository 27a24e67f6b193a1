import type { Schedule } from '../../../../protocol/index.ts';
import { clockMinutes, isScheduledAt, localTime } from '../../../../protocol/schedule.ts';

export interface Occurrence {
  start: number;
  /** Exclusive; equals the horizon's end when the occurrence runs past it (`open` is then true). */
  end: number;
  open: boolean;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * When a schedule plays between `from` and `from + horizonMs`, as merged intervals, computed with
 * protocol/schedule.ts's isScheduledAt (the function the screens use). The answer can only change
 * at the schedule's start and end, at local midnights (weekdays) and at the daily windows' edges,
 * so the function is evaluated at exactly those instants. Edges are found hour by hour on the
 * Copenhagen wall clock, so a window edge inside the repeated October hour counts both times.
 */
export function occurrences(
  schedule: Schedule | undefined,
  from: number,
  horizonMs = 14 * 24 * HOUR,
  limit = 20,
): Occurrence[] {
  const to = from + horizonMs;
  const edges = new Map<number, number[]>(); // local hour -> minutes within that hour
  const addEdge = (hhmm: string) => {
    const m = clockMinutes(hhmm) % 1440;
    const list = edges.get(Math.floor(m / 60)) ?? [];
    list.push(m % 60);
    edges.set(Math.floor(m / 60), list);
  };
  addEdge('00:00');
  for (const w of schedule?.daily ?? []) {
    addEdge(w.from);
    addEdge(w.to);
  }
  const points = new Set<number>([from]);
  for (const iso of [schedule?.start, schedule?.end]) {
    const t = iso ? Date.parse(iso) : Number.NaN;
    if (t > from && t < to) points.add(t);
  }
  for (let h = Math.floor(from / HOUR) * HOUR; h < to; h += HOUR) {
    const local = localTime(h);
    const hour = Math.floor(local.minute / 60);
    for (const m of edges.get(hour) ?? []) {
      const t = h + m * MINUTE;
      if (t > from && t < to) points.add(t);
    }
  }
  const sorted = [...points].sort((a, b) => a - b);
  const out: Occurrence[] = [];
  let openStart: number | null = null;
  for (const t of sorted) {
    const on = isScheduledAt(schedule, t);
    if (on && openStart === null) openStart = t;
    if (!on && openStart !== null) {
      out.push({ start: openStart, end: t, open: false });
      openStart = null;
      if (out.length >= limit) return out;
    }
  }
  if (openStart !== null) out.push({ start: openStart, end: to, open: true });
  return out.slice(0, limit);
}
