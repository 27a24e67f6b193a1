import { DateTime } from 'luxon';
import type { Campaign, Schedule, Target } from './schemas/campaign.ts';
import type { LatLon } from './schemas/common.ts';
import type { DisplayHours } from './schemas/screen.ts';

/**
 * "What plays on this screen at time T": the one pure function both the kiosk agent (offline,
 * every few seconds) and the dashboard (previews, "where does this campaign show now") use.
 *
 * Rules:
 * - Targeting is a union: a campaign reaches a screen when `all` is true, or any of its groups,
 *   tags or screen ids match, or the screen lies within `area` (great-circle distance <= radiusM).
 * - Schedule: `start` inclusive, `end` exclusive (instants); `weekdays` ISO 1 (Mon)..7 (Sun) and
 *   `daily` windows are read on the Europe/Copenhagen wall clock, so they follow DST.
 *   A window whose `to` is before `from` runs past midnight and belongs to the day it starts on
 *   (a Friday 22:00-02:00 window plays Friday night into Saturday 02:00). `from == to` means the
 *   whole day. Wall-clock windows follow the clock: on the last Sunday of March 02:00-03:00 does
 *   not exist (a window inside it never plays that day); on the last Sunday of October it happens
 *   twice (such a window plays both times).
 * - Emergency campaigns take over: the newest one (updatedAt, then id) is `emergency`.
 *   The rest play high priority first, then normal, each by updatedAt then id.
 * - Display hours: `on`..`off` on the wall clock, past midnight when off < on, always on when
 *   on == off or when there are no display hours.
 */

export const SCREEN_TIME_ZONE = 'Europe/Copenhagen';

/** The parts of a screen that targeting reads. */
export interface ScreenIdentity {
  id: string;
  groups: readonly string[];
  tags: readonly string[];
  location: LatLon | null;
}

/** The parts of a campaign that scheduling reads. */
export type SchedulableCampaign = Pick<Campaign, 'id' | 'priority' | 'target' | 'updatedAt'> & {
  schedule?: Schedule | undefined;
};

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function haversineM(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function isTargeted(target: Target, screen: ScreenIdentity): boolean {
  if (target.all === true) return true;
  if (target.screens?.includes(screen.id)) return true;
  if (target.groups?.some((g) => screen.groups.includes(g))) return true;
  if (target.tags?.some((t) => screen.tags.includes(t))) return true;
  if (target.area && screen.location) {
    return haversineM(target.area, screen.location) <= target.area.radiusM;
  }
  return false;
}

function toMillis(at: number | Date): number {
  return typeof at === 'number' ? at : at.getTime();
}

/** Minutes since local midnight ("24:00" = 1440). */
export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

interface LocalTime {
  /** ISO weekday 1..7. */
  weekday: number;
  /** Minutes since local midnight, with seconds as a fraction. */
  minute: number;
}

export function localTime(at: number | Date, zone = SCREEN_TIME_ZONE): LocalTime {
  const dt = DateTime.fromMillis(toMillis(at), { zone });
  return { weekday: dt.weekday, minute: dt.hour * 60 + dt.minute + dt.second / 60 + dt.millisecond / 60000 };
}

/** Is a local minute inside a wall-clock window; `onDay(d)` says whether a window starting on day d counts. */
function inWindow(t: LocalTime, from: number, to: number, onDay: (weekday: number) => boolean): boolean {
  if (from === to) return onDay(t.weekday);
  if (from < to) return onDay(t.weekday) && t.minute >= from && t.minute < to;
  const yesterday = t.weekday === 1 ? 7 : t.weekday - 1;
  return (onDay(t.weekday) && t.minute >= from) || (onDay(yesterday) && t.minute < to);
}

export function isScheduledAt(schedule: Schedule | undefined, at: number | Date): boolean {
  if (!schedule) return true;
  const ms = toMillis(at);
  if (schedule.start && ms < Date.parse(schedule.start)) return false;
  if (schedule.end && ms >= Date.parse(schedule.end)) return false;
  const weekdays = schedule.weekdays;
  const onDay = (d: number) => !weekdays || weekdays.includes(d);
  const t = localTime(ms);
  if (!schedule.daily || schedule.daily.length === 0) return onDay(t.weekday);
  return schedule.daily.some((w) => inWindow(t, clockMinutes(w.from), clockMinutes(w.to), onDay));
}

export function isDisplayOnAt(hours: DisplayHours | null | undefined, at: number | Date): boolean {
  if (!hours) return true;
  return inWindow(localTime(at), clockMinutes(hours.on), clockMinutes(hours.off), () => true);
}

function newestFirst(a: SchedulableCampaign, b: SchedulableCampaign): number {
  const d = Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function oldestFirst(a: SchedulableCampaign, b: SchedulableCampaign): number {
  return -newestFirst(a, b);
}

export interface WhatPlays<C> {
  /** The emergency campaign that takes over the screen, or null. */
  emergency: C | null;
  /** Every emergency campaign active now, newest first (the first is `emergency`). */
  emergencies: C[];
  /** High then normal priority campaigns in play order. */
  campaigns: C[];
}

/** The campaigns aimed at `screen` and scheduled at `at`, in play order. Pure. */
export function whatPlays<C extends SchedulableCampaign>(
  campaigns: Iterable<C>,
  screen: ScreenIdentity,
  at: number | Date,
): WhatPlays<C> {
  const emergencies: C[] = [];
  const high: C[] = [];
  const normal: C[] = [];
  for (const c of campaigns) {
    if (!isTargeted(c.target, screen) || !isScheduledAt(c.schedule, at)) continue;
    if (c.priority === 'emergency') emergencies.push(c);
    else if (c.priority === 'high') high.push(c);
    else normal.push(c);
  }
  emergencies.sort(newestFirst);
  high.sort(oldestFirst);
  normal.sort(oldestFirst);
  return { emergency: emergencies[0] ?? null, emergencies, campaigns: [...high, ...normal] };
}

export interface ScreenAt<C> extends WhatPlays<C> {
  displayOn: boolean;
}

/** Everything a screen shows at `at`: display on/off and the campaigns in play order. */
export function screenAt<C extends SchedulableCampaign>(
  screen: ScreenIdentity & { displayHours: DisplayHours | null },
  campaigns: Iterable<C>,
  at: number | Date,
): ScreenAt<C> {
  return { displayOn: isDisplayOnAt(screen.displayHours, at), ...whatPlays(campaigns, screen, at) };
}
