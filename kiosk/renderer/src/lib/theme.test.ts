import { describe, expect, it } from 'vitest';
import type { AmbientReading } from '../../../bridge/types.ts';
import { themeAt } from './sun.ts';
import {
  DEFAULT_THEME_TUNING as T,
  decideTheme,
  isAmbientUsable,
  type ThemeInputs,
  type ThemeMemory,
  tuningWithHold,
} from './theme.ts';

// 21 December 2026: Copenhagen sun 08:37-15:38 local, so 12:00Z is day and 18:00Z night by the sun.
const NOON = Date.parse('2026-12-21T12:00:00Z');
const EVENING = Date.parse('2026-12-21T18:00:00Z');
const CPH = { lat: 55.6761, lon: 12.5683 };

const reading = (lux: number, at: number): AmbientReading => ({ lux, at: new Date(at).toISOString() });
const auto = (ambient: AmbientReading | null): ThemeInputs => ({ setting: 'auto', ambient, location: CPH });

/** Feeds a lux value every `stepMs` from t0 for `forMs`; returns the memory and every theme change. */
function run(
  start: ThemeMemory | null,
  luxAt: (t: number) => number,
  t0: number,
  forMs: number,
  stepMs = 1000,
) {
  let m = start;
  const changes: { t: number; theme: string }[] = [];
  for (let t = t0; t <= t0 + forMs; t += stepMs) {
    const next = decideTheme(m, auto(reading(luxAt(t), t)), t);
    if (!m || next.theme !== m.theme) changes.push({ t: t - t0, theme: next.theme });
    m = next;
  }
  return { m: m!, changes };
}

describe('day/night theme decision', () => {
  it('goes by sunrise and sunset when there is no sensor', () => {
    expect(decideTheme(null, auto(null), NOON)).toMatchObject({ theme: 'day', source: 'sun' });
    expect(decideTheme(null, auto(null), EVENING)).toMatchObject({ theme: 'night', source: 'sun' });
    expect(themeAt(EVENING)).toBe('night');
  });

  it('follows the sensor at once on its first reading, against the sun', () => {
    const sun = decideTheme(null, auto(null), NOON);
    const dark = decideTheme(sun, auto(reading(2, NOON)), NOON + 1000);
    expect(dark).toMatchObject({ theme: 'night', source: 'sensor', since: NOON + 1000 });
    const lit = decideTheme(null, auto(reading(800, EVENING)), EVENING);
    expect(lit).toMatchObject({ theme: 'day', source: 'sensor' });
  });

  it('keeps the theme inside the hysteresis band', () => {
    const night = decideTheme(null, auto(reading(5, NOON)), NOON);
    // 16..49 lux: above the night threshold, below the day one: stays night for as long as it lasts.
    const { m, changes } = run(night, (t) => 16 + ((t / 1000) % 34), NOON + 1000, 30 * 60_000, 5000);
    expect(changes).toEqual([]);
    expect(m.theme).toBe('night');
    const day = decideTheme(null, auto(reading(49, EVENING)), EVENING);
    expect(day.theme).toBe('night'); // first reading inside the band: the sun decides (evening)
    const dayAtNoon = decideTheme(null, auto(reading(49, NOON)), NOON);
    expect(dayAtNoon.theme).toBe('day');
  });

  it('switches only after the new level held for the confirmation time and the minimum hold', () => {
    const t0 = NOON;
    const start = decideTheme(null, auto(reading(5000, t0)), t0); // day, since t0
    // Dusk at t0 + 10 s: it is dark from then on. The hold (120 s since t0) is what waits longest.
    const { changes } = run(start, (t) => (t < t0 + 10_000 ? 5000 : 3), t0, 5 * 60_000);
    expect(changes).toEqual([{ t: T.minHoldMs, theme: 'night' }]);
    // Long after the last change, only the confirmation time counts.
    const old = { ...start, since: t0 - 3_600_000 };
    const r = run(old, () => 3, t0, 60_000);
    expect(r.changes).toEqual([{ t: T.confirmMs, theme: 'night' }]);
  });

  it('does not flicker at dusk: light wobbling across both thresholds, and a headlight at night', () => {
    const t0 = NOON;
    const old: ThemeMemory = {
      theme: 'day',
      source: 'sensor',
      since: t0 - 3_600_000,
      pending: null,
      pendingSince: 0,
    };
    // 10 s bright, 10 s dark, for 30 minutes: never dark for the 20 s confirmation.
    const wobble = run(old, (t) => (Math.floor((t - t0) / 10_000) % 2 ? 4 : 70), t0, 30 * 60_000);
    expect(wobble.changes).toEqual([]);
    // Night; a car's lights on the sensor for 8 s every minute.
    const night: ThemeMemory = { ...old, theme: 'night' };
    const cars = run(night, (t) => ((t - t0) % 60_000 < 8000 ? 3000 : 2), t0, 30 * 60_000);
    expect(cars.changes).toEqual([]);
    // A slow dusk with noise around the threshold: exactly one change.
    const dusk = run(
      old,
      (t) => Math.max(0, 200 - (t - t0) / 3000 + 8 * Math.sin(t / 1300)),
      t0,
      20 * 60_000,
    );
    expect(dusk.changes.map((c) => c.theme)).toEqual(['night']);
  });

  it('falls back to the sun when the reading is stale, and takes the sensor back when it is fresh', () => {
    const t0 = EVENING;
    const lit = decideTheme(null, auto(reading(900, t0)), t0);
    expect(lit).toMatchObject({ theme: 'day', source: 'sensor' });
    const fresh = decideTheme(lit, auto(reading(900, t0)), t0 + T.staleMs);
    expect(fresh).toBe(lit); // unchanged memory: no re-render
    const stale = decideTheme(lit, auto(reading(900, t0)), t0 + T.staleMs + 1);
    expect(stale).toMatchObject({ theme: 'night', source: 'sun' });
    const back = decideTheme(stale, auto(reading(900, t0 + T.staleMs + 5000)), t0 + T.staleMs + 5000);
    expect(back).toMatchObject({ theme: 'day', source: 'sensor' });
    // A reading from the future (a clock far off) is no better than a stale one.
    expect(isAmbientUsable(reading(900, t0 + 2 * T.staleMs), t0, T.staleMs)).toBe(false);
    expect(isAmbientUsable({ lux: 900, at: 'yesterday' }, t0, T.staleMs)).toBe(false);
    expect(isAmbientUsable({ lux: Number.NaN, at: new Date(t0).toISOString() }, t0, T.staleMs)).toBe(false);
  });

  it('obeys a fixed day or night setting over sensor and sun, and returns to auto', () => {
    const dark = auto(reading(1, NOON));
    const fixed = decideTheme(null, { ...dark, setting: 'day' }, NOON);
    expect(fixed).toMatchObject({ theme: 'day', source: 'override' });
    expect(decideTheme(fixed, { ...dark, setting: 'day' }, NOON + 1000)).toBe(fixed);
    expect(decideTheme(fixed, dark, NOON + 2000)).toMatchObject({ theme: 'night', source: 'sensor' });
    expect(decideTheme(null, { ...auto(null), setting: 'night' }, NOON).theme).toBe('night');
  });

  it('shortens the waits for tests with ?themeHoldS', () => {
    expect(tuningWithHold(null)).toBe(T);
    expect(tuningWithHold(2)).toMatchObject({ confirmMs: 2000, minHoldMs: 2000 });
    expect(tuningWithHold(600)).toMatchObject({ confirmMs: T.confirmMs, minHoldMs: 600_000 });
  });
});
