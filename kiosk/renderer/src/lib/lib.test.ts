import { describe, expect, it } from 'vitest';
import da from '../../../../content/i18n/da.json' with { type: 'json' };
import de from '../../../../content/i18n/de.json' with { type: 'json' };
import en from '../../../../content/i18n/en.json' with { type: 'json' };
import { demoParking, demoTransport } from '../fixtures/demo-state.ts';
import { delayState, minutesUntil, parkingLevel, upcoming } from './feeds.ts';
import { loadPois } from './pois.ts';
import { sunTimes, themeAt } from './sun.ts';
import { formatTime } from './time.ts';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('renderer logic', () => {
  it('has every string in all three languages', () => {
    expect(keys(da).sort()).toEqual(keys(en).sort());
    expect(keys(de).sort()).toEqual(keys(en).sort());
  });

  it('computes Copenhagen sunrise and sunset within a few minutes', () => {
    // 21 June 2026: sunrise 04:25, sunset 21:57 local (CEST, UTC+2).
    const s = sunTimes(Date.parse('2026-06-21T12:00:00Z'))!;
    expect(Math.abs(s.rise - Date.parse('2026-06-21T02:25:00Z'))).toBeLessThan(5 * 60_000);
    expect(Math.abs(s.set - Date.parse('2026-06-21T19:57:00Z'))).toBeLessThan(5 * 60_000);
    // 21 December: 08:37 to 15:38 local (CET, UTC+1).
    const w = sunTimes(Date.parse('2026-12-21T12:00:00Z'))!;
    expect(Math.abs(w.rise - Date.parse('2026-12-21T07:37:00Z'))).toBeLessThan(5 * 60_000);
    expect(Math.abs(w.set - Date.parse('2026-12-21T14:38:00Z'))).toBeLessThan(5 * 60_000);
    expect(themeAt(Date.parse('2026-12-21T12:00:00Z'))).toBe('day');
    expect(themeAt(Date.parse('2026-12-21T18:00:00Z'))).toBe('night');
  });

  it('counts minutes from the real-time estimate and names delays', () => {
    const now = Date.parse('2026-05-23T14:00:00Z');
    const board = demoTransport(now).raadhuspladsen!;
    const list = upcoming(board, now, 10);
    const late = list.find((d) => d.line === '5C')!;
    expect(minutesUntil(late, now)).toBe(9); // planned 6.4 + 3 late
    expect(delayState(late)).toEqual({ state: 'late', min: 3 });
    expect(delayState(list.find((d) => d.line === '6A')!).state).toBe('timetable');
    expect(delayState(list.find((d) => d.cancelled)!).state).toBe('cancelled');
    expect(upcoming(board, now + 20 * 60_000, 10)).toEqual([]);
  });

  it('names parking levels', () => {
    const p = demoParking(0);
    expect(parkingLevel(p['israels-plads']!)).toBe('available');
    expect(parkingLevel(p['industriens-hus']!)).toBe('few');
    expect(parkingLevel(p['nyhavn-street']!)).toBe('full');
  });

  it('formats times in Copenhagen time and loads valid points', () => {
    expect(formatTime('2026-05-23T14:32:00Z', 'en')).toBe('16:32');
    expect(formatTime('2026-01-23T14:32:00Z', 'da')).toBe('15:32');
    const pois = loadPois();
    expect(pois.map((p) => p.id)).toEqual(
      expect.arrayContaining(['raadhuspladsen', 'nyhavn', 'islands-brygge', 'fisketorvet', 'sandkaj']),
    );
  });
});
