import { describe, expect, it } from 'vitest';
import type { Schedule } from './schemas/campaign.ts';
import {
  haversineM,
  isDisplayOnAt,
  isScheduledAt,
  isTargeted,
  localTime,
  type SchedulableCampaign,
  type ScreenIdentity,
  screenAt,
  whatPlays,
} from './schedule.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

/** Minutes (real time) between from and to (UTC instants) during which pred holds, minute by minute. */
function activeMinutes(from: string, to: string, pred: (ms: number) => boolean): number {
  let n = 0;
  for (let t = at(from); t < at(to); t += MIN) if (pred(t)) n++;
  return n;
}

/** The UTC instants at which pred switches, minute resolution. */
function edges(from: string, to: string, pred: (ms: number) => boolean): string[] {
  const out: string[] = [];
  let prev = pred(at(from) - MIN);
  for (let t = at(from); t < at(to); t += MIN) {
    const v = pred(t);
    if (v !== prev) out.push(`${v ? 'on' : 'off'}@${new Date(t).toISOString().slice(0, 16)}Z`);
    prev = v;
  }
  return out;
}

const daily = (from: string, to: string, extra: Partial<Schedule> = {}): Schedule => ({
  daily: [{ from, to }],
  ...extra,
});

describe('wall clock in Europe/Copenhagen', () => {
  it('knows the DST switches of 2026', () => {
    // 2026-03-29 01:00Z: 02:00 CET becomes 03:00 CEST.
    expect(localTime(at('2026-03-29T00:59:00Z')).minute).toBe(1 * 60 + 59);
    expect(localTime(at('2026-03-29T01:00:00Z')).minute).toBe(3 * 60);
    // 2026-10-25 01:00Z: 03:00 CEST becomes 02:00 CET.
    expect(localTime(at('2026-10-25T00:59:00Z')).minute).toBe(2 * 60 + 59);
    expect(localTime(at('2026-10-25T01:00:00Z')).minute).toBe(2 * 60);
    expect(localTime(at('2026-10-25T12:00:00Z')).weekday).toBe(7);
  });
});

describe('daily windows across the spring-forward night (2026-03-29)', () => {
  const day = ['2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'] as const;

  it('a 02:00-03:00 window never plays on the day it does not exist, and plays normally around it', () => {
    const s = daily('02:00', '03:00');
    expect(isScheduledAt(s, at('2026-03-29T00:59:59Z'))).toBe(false);
    expect(isScheduledAt(s, at('2026-03-29T01:00:00Z'))).toBe(false);
    expect(activeMinutes('2026-03-29T00:00:00Z', '2026-03-29T23:00:00Z', (t) => isScheduledAt(s, t))).toBe(0);
    // The days before and after: an ordinary hour.
    expect(edges(...day, (t) => isScheduledAt(s, t))).toEqual([
      'on@2026-03-30T00:00Z',
      'off@2026-03-30T01:00Z',
    ]);
    expect(isScheduledAt(s, at('2026-03-28T01:30:00Z'))).toBe(true);
  });

  it('a window spanning the gap is one real hour shorter', () => {
    const s = daily('01:00', '04:00');
    expect(edges('2026-03-29T00:00:00Z', '2026-03-29T06:00:00Z', (t) => isScheduledAt(s, t))).toEqual([
      'on@2026-03-29T00:00Z',
      'off@2026-03-29T02:00Z',
    ]);
    expect(activeMinutes('2026-03-28T23:00:00Z', '2026-03-29T06:00:00Z', (t) => isScheduledAt(s, t))).toBe(
      120,
    );
    expect(activeMinutes('2026-03-27T23:00:00Z', '2026-03-28T06:00:00Z', (t) => isScheduledAt(s, t))).toBe(
      180,
    );
  });

  it('an 08:00-09:00 window keeps its wall-clock time on both sides of the switch', () => {
    const s = daily('08:00', '09:00');
    expect(edges(...day, (t) => isScheduledAt(s, t))).toEqual([
      'on@2026-03-29T06:00Z',
      'off@2026-03-29T07:00Z',
      'on@2026-03-30T06:00Z',
      'off@2026-03-30T07:00Z',
    ]);
    expect(isScheduledAt(s, at('2026-03-28T07:30:00Z'))).toBe(true);
    expect(isScheduledAt(s, at('2026-03-29T07:30:00Z'))).toBe(false);
  });

  it('a Saturday window past midnight crosses the switch and belongs to Saturday', () => {
    const s = daily('23:00', '03:00', { weekdays: [6] });
    expect(edges('2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z', (t) => isScheduledAt(s, t))).toEqual([
      'on@2026-03-28T22:00Z',
      'off@2026-03-29T01:00Z',
    ]);
  });

  it('display hours 06:00-02:00 across the switch', () => {
    const h = { on: '06:00', off: '02:00' };
    expect(edges(...day, (t) => isDisplayOnAt(h, t))).toEqual([
      'off@2026-03-29T01:00Z',
      'on@2026-03-29T04:00Z',
      'off@2026-03-30T00:00Z',
      'on@2026-03-30T04:00Z',
    ]);
  });
});

describe('daily windows across the fall-back night (2026-10-25)', () => {
  it('a 02:00-03:00 window plays during both 02:00 hours', () => {
    const s = daily('02:00', '03:00');
    expect(edges('2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z', (t) => isScheduledAt(s, t))).toEqual([
      'on@2026-10-25T00:00Z',
      'off@2026-10-25T02:00Z',
      'on@2026-10-26T01:00Z',
      'off@2026-10-26T02:00Z',
    ]);
    expect(isScheduledAt(s, at('2026-10-25T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(isScheduledAt(s, at('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(isScheduledAt(s, at('2026-10-25T02:00:00Z'))).toBe(false); // 03:00 CET
    expect(isScheduledAt(s, at('2026-10-24T23:59:59Z'))).toBe(false); // 01:59:59 CEST
  });

  it('a window spanning the repeated hour is one real hour longer', () => {
    const s = daily('01:00', '04:00');
    expect(activeMinutes('2026-10-24T20:00:00Z', '2026-10-25T06:00:00Z', (t) => isScheduledAt(s, t))).toBe(
      240,
    );
    expect(activeMinutes('2026-10-25T20:00:00Z', '2026-10-26T06:00:00Z', (t) => isScheduledAt(s, t))).toBe(
      180,
    );
  });

  it('an 08:00-09:00 window moves by an hour in UTC', () => {
    const s = daily('08:00', '09:00');
    expect(edges('2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z', (t) => isScheduledAt(s, t))).toEqual([
      'on@2026-10-24T06:00Z',
      'off@2026-10-24T07:00Z',
      'on@2026-10-25T07:00Z',
      'off@2026-10-25T08:00Z',
    ]);
  });

  it('a Saturday-only 22:00-04:00 window runs into Sunday across the repeated hour', () => {
    const s = daily('22:00', '04:00', { weekdays: [6] });
    expect(edges('2026-10-24T00:00:00Z', '2026-10-26T12:00:00Z', (t) => isScheduledAt(s, t))).toEqual([
      'on@2026-10-24T20:00Z',
      'off@2026-10-25T03:00Z',
    ]);
    expect(activeMinutes('2026-10-24T00:00:00Z', '2026-10-26T12:00:00Z', (t) => isScheduledAt(s, t))).toBe(
      7 * 60,
    );
  });

  it('display hours 07:00-01:30 around the fall-back night', () => {
    const h = { on: '07:00', off: '01:30' };
    expect(edges('2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z', (t) => isDisplayOnAt(h, t))).toEqual([
      'off@2026-10-24T23:30Z',
      'on@2026-10-25T06:00Z',
    ]);
  });
});

describe('schedule rules', () => {
  it('start is inclusive and end exclusive', () => {
    const s: Schedule = { start: '2026-05-01T10:00:00+02:00', end: '2026-05-01T12:00:00+02:00' };
    expect(isScheduledAt(s, at('2026-05-01T07:59:59.999Z'))).toBe(false);
    expect(isScheduledAt(s, at('2026-05-01T08:00:00Z'))).toBe(true);
    expect(isScheduledAt(s, at('2026-05-01T09:59:59.999Z'))).toBe(true);
    expect(isScheduledAt(s, at('2026-05-01T10:00:00Z'))).toBe(false);
  });

  it('weekdays are Copenhagen days, not UTC days', () => {
    const s: Schedule = { weekdays: [1] }; // Monday
    expect(isScheduledAt(s, at('2026-06-14T21:59:00Z'))).toBe(false); // Sunday 23:59 local
    expect(isScheduledAt(s, at('2026-06-14T22:00:00Z'))).toBe(true); // Monday 00:00 local
    expect(isScheduledAt(s, at('2026-06-15T21:59:00Z'))).toBe(true);
    expect(isScheduledAt(s, at('2026-06-15T22:00:00Z'))).toBe(false);
  });

  it('several windows, whole-day window and 24:00', () => {
    const s: Schedule = {
      daily: [
        { from: '07:00', to: '09:00' },
        { from: '16:00', to: '24:00' },
      ],
    };
    expect(activeMinutes('2026-06-14T22:00:00Z', '2026-06-15T22:00:00Z', (t) => isScheduledAt(s, t))).toBe(
      10 * 60,
    );
    expect(isScheduledAt(daily('00:00', '00:00'), at('2026-06-15T03:00:00Z'))).toBe(true);
    expect(isScheduledAt(daily('00:00', '24:00', { weekdays: [2] }), at('2026-06-15T12:00:00Z'))).toBe(false);
    expect(isScheduledAt(undefined, 0)).toBe(true);
  });

  it('display hours: none or on == off means always on', () => {
    expect(isDisplayOnAt(null, at('2026-06-15T01:00:00Z'))).toBe(true);
    expect(isDisplayOnAt({ on: '06:00', off: '06:00' }, at('2026-06-15T01:00:00Z'))).toBe(true);
    const h = { on: '06:00', off: '23:00' };
    expect(isDisplayOnAt(h, at('2026-06-15T03:59:00Z'))).toBe(false);
    expect(isDisplayOnAt(h, at('2026-06-15T04:00:00Z'))).toBe(true);
    expect(isDisplayOnAt(h, at('2026-06-15T20:59:00Z'))).toBe(true);
    expect(isDisplayOnAt(h, at('2026-06-15T21:00:00Z'))).toBe(false);
  });
});

const cityHall = { lat: 55.6761, lon: 12.5683 };
const norreport = { lat: 55.6833, lon: 12.5719 };
const screen: ScreenIdentity = {
  id: 'kiosk-1',
  groups: ['centre'],
  tags: ['harbour', 'touch'],
  location: cityHall,
};

describe('targeting', () => {
  it('haversine is accurate to metres', () => {
    expect(haversineM(cityHall, cityHall)).toBe(0);
    const d = haversineM(cityHall, norreport);
    expect(d).toBeGreaterThan(820);
    expect(d).toBeLessThan(850);
    // Copenhagen - Aarhus is about 156 km as the crow flies.
    expect(haversineM(cityHall, { lat: 56.1567, lon: 10.2108 }) / 1000).toBeCloseTo(156, -1);
  });

  it('matches all, groups, tags, screen ids and areas as a union', () => {
    expect(isTargeted({ all: true }, screen)).toBe(true);
    expect(isTargeted({ groups: ['north', 'centre'] }, screen)).toBe(true);
    expect(isTargeted({ groups: ['north'] }, screen)).toBe(false);
    expect(isTargeted({ tags: ['touch'] }, screen)).toBe(true);
    expect(isTargeted({ tags: ['Touch'] }, screen)).toBe(false);
    expect(isTargeted({ screens: ['kiosk-1'] }, screen)).toBe(true);
    expect(isTargeted({ screens: ['kiosk-2'] }, screen)).toBe(false);
    expect(isTargeted({ area: { ...norreport, radiusM: 900 } }, screen)).toBe(true);
    expect(isTargeted({ area: { ...norreport, radiusM: 700 } }, screen)).toBe(false);
    expect(isTargeted({ groups: ['north'], area: { ...norreport, radiusM: 900 } }, screen)).toBe(true);
    expect(isTargeted({ area: { ...norreport, radiusM: 90_000 } }, { ...screen, location: null })).toBe(
      false,
    );
  });
});

function campaign(
  id: string,
  priority: SchedulableCampaign['priority'],
  updatedAt: string,
  extra: Partial<SchedulableCampaign> = {},
): SchedulableCampaign {
  return { id, priority, updatedAt, target: { all: true }, ...extra };
}

describe('whatPlays', () => {
  const t = at('2026-03-29T10:00:00Z');

  it('orders high before normal, oldest first within a priority, and drops untargeted or unscheduled', () => {
    const r = whatPlays(
      [
        campaign('n2', 'normal', '2026-03-02T00:00:00Z'),
        campaign('h1', 'high', '2026-03-05T00:00:00Z'),
        campaign('n1', 'normal', '2026-03-01T00:00:00Z'),
        campaign('other', 'high', '2026-03-01T00:00:00Z', { target: { screens: ['kiosk-9'] } }),
        campaign('later', 'normal', '2026-03-01T00:00:00Z', { schedule: { start: '2026-04-01T00:00:00Z' } }),
        campaign('night', 'normal', '2026-03-01T00:00:00Z', { schedule: daily('02:00', '03:00') }),
      ],
      screen,
      t,
    );
    expect(r.emergency).toBeNull();
    expect(r.campaigns.map((c) => c.id)).toEqual(['h1', 'n1', 'n2']);
  });

  it('the newest active emergency takes over; an expired one does not', () => {
    const r = whatPlays(
      [
        campaign('n1', 'normal', '2026-03-01T00:00:00Z'),
        campaign('e-old', 'emergency', '2026-03-20T00:00:00Z'),
        campaign('e-new', 'emergency', '2026-03-28T00:00:00Z'),
        campaign('e-over', 'emergency', '2026-03-29T00:00:00Z', {
          schedule: { end: '2026-03-29T09:00:00Z' },
        }),
      ],
      screen,
      t,
    );
    expect(r.emergency?.id).toBe('e-new');
    expect(r.emergencies.map((c) => c.id)).toEqual(['e-new', 'e-old']);
    expect(r.campaigns.map((c) => c.id)).toEqual(['n1']);
  });

  it('screenAt combines display hours and campaigns', () => {
    const s = { ...screen, displayHours: { on: '07:00', off: '22:00' } };
    expect(screenAt(s, [campaign('n1', 'normal', '2026-03-01T00:00:00Z')], t).displayOn).toBe(true);
    expect(screenAt(s, [], at('2026-03-29T21:00:00Z')).displayOn).toBe(false);
  });
});
