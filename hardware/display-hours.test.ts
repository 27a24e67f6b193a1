import { describe, expect, it } from 'vitest';
import { DisplayHoursScheduler, displayOnAt, nextDisplayChange } from './display-hours.ts';

// Copenhagen is UTC+1 in winter, UTC+2 in summer.
const at = (iso: string) => new Date(iso);

describe('displayOnAt', () => {
  it('is always on without hours or with on == off', () => {
    expect(displayOnAt(null, at('2026-01-10T03:00:00Z'))).toBe(true);
    expect(displayOnAt({ on: '06:00', off: '06:00' }, at('2026-01-10T03:00:00Z'))).toBe(true);
  });

  it('follows daytime hours in local Copenhagen time', () => {
    const h = { on: '06:00', off: '23:00' };
    expect(displayOnAt(h, at('2026-01-10T04:59:00Z'))).toBe(false); // 05:59 local
    expect(displayOnAt(h, at('2026-01-10T05:00:00Z'))).toBe(true); // 06:00 local
    expect(displayOnAt(h, at('2026-07-10T20:59:00Z'))).toBe(true); // 22:59 local (summer)
    expect(displayOnAt(h, at('2026-07-10T21:00:00Z'))).toBe(false); // 23:00 local
  });

  it('handles hours that span midnight', () => {
    const h = { on: '18:00', off: '02:00' };
    expect(displayOnAt(h, at('2026-01-10T23:30:00Z'))).toBe(true); // 00:30 local
    expect(displayOnAt(h, at('2026-01-10T12:00:00Z'))).toBe(false);
  });

  it('rejects malformed clock times', () => {
    expect(() => displayOnAt({ on: '6am', off: '23:00' }, new Date())).toThrow(/invalid clock/);
    expect(() => displayOnAt({ on: '25:00', off: '23:00' }, new Date())).toThrow(/invalid clock/);
  });
});

describe('nextDisplayChange', () => {
  it('finds the next switch, across midnight and across the DST change', () => {
    const h = { on: '06:00', off: '23:00' };
    expect(nextDisplayChange(h, at('2026-01-10T12:00:00Z'))?.toISOString()).toBe('2026-01-10T22:00:00.000Z');
    expect(nextDisplayChange(h, at('2026-01-10T22:30:00Z'))?.toISOString()).toBe('2026-01-11T05:00:00.000Z');
    // DST starts 2026-03-29 at 02:00 local: 06:00 local is then 04:00Z
    expect(nextDisplayChange(h, at('2026-03-28T23:00:00Z'))?.toISOString()).toBe('2026-03-29T04:00:00.000Z');
    expect(nextDisplayChange(null, new Date())).toBeNull();
  });
});

describe('DisplayHoursScheduler', () => {
  it('applies changes only when the schedule flips, and an override holds until the next flip', () => {
    let now = at('2026-01-10T12:00:00Z');
    const applied: string[] = [];
    const s = new DisplayHoursScheduler({
      now: () => now,
      apply: (on, reason) => {
        applied.push(`${on}:${reason}`);
      },
    });
    s.setHours({ on: '06:00', off: '23:00' });
    s.check();
    expect(applied).toEqual(['true:schedule']);
    now = at('2026-01-10T22:00:00Z');
    s.check();
    expect(applied).toEqual(['true:schedule', 'false:schedule']);
    s.overrideUntilNextChange(true);
    expect(s.desired()).toBe(true);
    now = at('2026-01-11T02:00:00Z');
    s.check();
    expect(applied.length).toBe(2);
    now = at('2026-01-11T05:00:00Z');
    s.check();
    expect(s.desired()).toBe(true);
    expect(applied).toEqual(['true:schedule', 'false:schedule', 'true:override-ended']);
    s.setHours(null);
    expect(s.desired()).toBe(true);
  });
});
