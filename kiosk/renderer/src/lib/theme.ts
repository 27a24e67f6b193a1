import type { AmbientReading } from '../../../bridge/types.ts';
import { type Theme, themeAt } from './sun.ts';

/**
 * Day or night theme: by the ambient light sensor where the screen has one and its reading is
 * recent, else by sunrise and sunset at the screen's location. A fixed theme (screen config or
 * URL) overrides both.
 *
 * Dusk and passing shadows must not make the screen flicker between themes, so the sensor path has
 *  - hysteresis: night below `nightBelowLux`, day above `dayAboveLux`, no change in between;
 *  - confirmation: a new theme must be asked for continuously for `confirmMs` (a headlight at night
 *    or a hand over the sensor does not count);
 *  - a minimum hold: after a sensor-driven change no other for `minHoldMs`.
 * A change of the source itself (first reading, sensor gone or stale, override set) applies at once.
 */

export type ThemeSetting = 'auto' | Theme;
export type ThemeSource = 'override' | 'sensor' | 'sun';

export interface ThemeTuning {
  nightBelowLux: number;
  dayAboveLux: number;
  confirmMs: number;
  minHoldMs: number;
  /** A reading older than this (or this far in the future) is ignored: back to sun times. */
  staleMs: number;
}

/** Street lighting is ~10-20 lux, an overcast dusk ~100 lux, shade at noon 1 000+ lux. */
export const DEFAULT_THEME_TUNING: ThemeTuning = {
  nightBelowLux: 15,
  dayAboveLux: 50,
  confirmMs: 20_000,
  minHoldMs: 120_000,
  staleMs: 180_000,
};

export interface ThemeInputs {
  setting: ThemeSetting;
  ambient: AmbientReading | null;
  location: { lat: number; lon: number } | null;
}

export interface ThemeMemory {
  theme: Theme;
  source: ThemeSource;
  /** When the theme last changed (ms). */
  since: number;
  /** A theme the sensor asks for but that is not shown yet, and since when it is asked for. */
  pending: Theme | null;
  pendingSince: number;
}

/** The reading's age in ms, or null when there is none or it cannot be used. */
export function ambientAge(ambient: AmbientReading | null, now: number): number | null {
  if (!ambient) return null;
  const at = Date.parse(ambient.at);
  return Number.isFinite(at) && Number.isFinite(ambient.lux) && ambient.lux >= 0 ? now - at : null;
}

export function isAmbientUsable(ambient: AmbientReading | null, now: number, staleMs: number): boolean {
  const age = ambientAge(ambient, now);
  return age !== null && age <= staleMs && age >= -staleMs;
}

function settle(theme: Theme, source: ThemeSource, prev: ThemeMemory | null, now: number): ThemeMemory {
  const changed = !prev || prev.theme !== theme;
  if (!changed && prev.source === source && prev.pending === null) return prev;
  return { theme, source, since: changed ? now : prev.since, pending: null, pendingSince: 0 };
}

/** The next theme memory from the previous one (null at start), the inputs and the time. Pure. */
export function decideTheme(
  prev: ThemeMemory | null,
  inputs: ThemeInputs,
  now: number,
  tuning: ThemeTuning = DEFAULT_THEME_TUNING,
): ThemeMemory {
  if (inputs.setting !== 'auto') return settle(inputs.setting, 'override', prev, now);
  const sun = (): Theme => themeAt(now, inputs.location?.lat, inputs.location?.lon);
  if (!inputs.ambient || !isAmbientUsable(inputs.ambient, now, tuning.staleMs)) {
    return settle(sun(), 'sun', prev, now);
  }
  const lux = inputs.ambient.lux;
  const current = prev?.theme ?? sun();
  const wanted: Theme = lux < tuning.nightBelowLux ? 'night' : lux > tuning.dayAboveLux ? 'day' : current;
  // First sensor decision: the sensor replaces the sun's guess at once.
  if (prev?.source !== 'sensor') return settle(wanted, 'sensor', prev, now);
  if (wanted === prev.theme) return settle(wanted, 'sensor', prev, now);
  const pendingSince = prev.pending === wanted ? prev.pendingSince : now;
  if (now - pendingSince >= tuning.confirmMs && now - prev.since >= tuning.minHoldMs) {
    return settle(wanted, 'sensor', prev, now);
  }
  if (prev.pending === wanted) return prev;
  return { ...prev, pending: wanted, pendingSince };
}

/** A tuning with both waits shortened to `holdS` seconds (tests and demos: `?themeHoldS=`). */
export function tuningWithHold(holdS: number | null): ThemeTuning {
  if (holdS === null) return DEFAULT_THEME_TUNING;
  const ms = holdS * 1000;
  return { ...DEFAULT_THEME_TUNING, confirmMs: Math.min(DEFAULT_THEME_TUNING.confirmMs, ms), minHoldMs: ms };
}
