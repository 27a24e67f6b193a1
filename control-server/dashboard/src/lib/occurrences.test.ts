import { describe, expect, it } from 'vitest';
import { isScheduledAt } from '../../../../protocol/schedule.ts';
import type { Schedule } from '../../../../protocol/index.ts';
import { occurrences } from './occurrences.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;

describe('occurrences', () => {
  it('lists weekday windows in Copenhagen time', () => {
    // Monday 2026-05-04 00:00 Copenhagen = 2026-05-03T22:00Z
    const from = Date.parse('2026-05-03T22:00:00Z');
    const s: Schedule = { weekdays: [1, 3], daily: [{ from: '08:00', to: '10:30' }] };
    const occ = occurrences(s, from, 7 * DAY);
    expect(occ.map((o) => [iso(o.start), iso(o.end)])).toEqual([
      ['2026-05-04T06:00:00.000Z', '2026-05-04T08:30:00.000Z'],
      ['2026-05-06T06:00:00.000Z', '2026-05-06T08:30:00.000Z'],
    ]);
  });

  it('handles a window past midnight and the start/end instants', () => {
    const from = Date.parse('2026-05-01T00:00:00Z');
    const s: Schedule = {
      start: '2026-05-01T20:30:00Z',
      end: '2026-05-03T00:15:00Z',
      daily: [{ from: '22:00', to: '02:00' }],
    };
    const occ = occurrences(s, from, 3 * DAY);
    // Copenhagen is UTC+2: 22:00 local = 20:00Z, but the schedule starts at 20:30Z.
    expect(occ.map((o) => [iso(o.start), iso(o.end)])).toEqual([
      ['2026-05-01T20:30:00.000Z', '2026-05-02T00:00:00.000Z'],
      ['2026-05-02T20:00:00.000Z', '2026-05-03T00:00:00.000Z'],
    ]);
  });

  it('marks an open-ended occurrence and agrees with isScheduledAt minute by minute across DST', () => {
    const from = Date.parse('2026-10-24T00:00:00Z');
    const s: Schedule = {
      daily: [
        { from: '02:15', to: '02:45' },
        { from: '23:00', to: '01:00' },
      ],
    };
    const occ = occurrences(s, from, 3 * DAY, 100);
    for (let t = from; t < from + 3 * DAY; t += 60_000) {
      const inside = occ.some((o) => t >= o.start && t < o.end);
      expect(inside, iso(t)).toBe(isScheduledAt(s, t));
    }
    // 02:15-02:45 happens twice on 2026-10-25 (the repeated hour).
    const on25 = occ.filter((o) => iso(o.start).startsWith('2026-10-25T0'));
    expect(on25.map((o) => iso(o.start))).toContain('2026-10-25T00:15:00.000Z');
    expect(on25.map((o) => iso(o.start))).toContain('2026-10-25T01:15:00.000Z');
    expect(occurrences(undefined, from, DAY)).toEqual([{ start: from, end: from + DAY, open: true }]);
  });
});
