import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { checkAmbient } from '../../../bridge/ambient.ts';
import type { KioskState } from '../../../bridge/types.ts';
import type { EventRange } from '../lib/feeds.ts';
import { DEFAULT_THEME_TUNING, decideTheme, type ThemeMemory, type ThemeTuning } from '../lib/theme.ts';

/** The views of the touch UI; the names are the `data-view` values of DESIGN.md. */
export type View = 'attract' | 'home' | 'events' | 'map' | 'transport' | 'water' | 'parking';
export const TOUCH_VIEWS: readonly View[] = ['home', 'events', 'map', 'transport', 'water', 'parking'];
export const UI_LANGUAGES = ['da', 'en', 'de'] as const;

/** What the agent says, as the bridge delivers it. */
export interface BridgeSlice {
  kiosk: KioskState | null;
  /** The renderer's own link to its agent (WebSocket open, preload present). */
  linkUp: boolean;
  setKiosk: (s: KioskState) => void;
  setLinkUp: (up: boolean) => void;
  /** Parts of states refused by the renderer's own checks (e.g. a malformed light reading). */
  invalidInputs: number;
}

/** The day/night theme as decided from the sensor, the sun and the config (lib/theme.ts). */
export interface ThemeSlice {
  theme: ThemeMemory | null;
}

/** One clock for the whole UI, ticked once a second; countdowns and freshness read it. */
export interface ClockSlice {
  now: number;
  tick: (now: number) => void;
}

/** Everything a visitor can change; resetUi() puts all of it back (idle timeout). */
export interface UiState {
  view: View;
  /** Chosen language; null = the screen's default. */
  lang: string | null;
  lowReach: boolean;
  eventId: string | null;
  poiId: string | null;
  eventRange: EventRange;
  eventCategory: string | null;
  /** The "Still there?" prompt is showing. */
  idlePrompt: boolean;
  /** Last touch or key press (ms). */
  lastInput: number;
  /** Incremented on every reset so views can drop their own local state. */
  session: number;
}
export interface UiSlice extends UiState {
  go: (view: View) => void;
  setLang: (lang: string) => void;
  setLowReach: (on: boolean) => void;
  openEvent: (id: string | null) => void;
  openPoi: (id: string | null) => void;
  setEventRange: (r: EventRange) => void;
  setEventCategory: (c: string | null) => void;
  input: (now: number) => void;
  /** Input while the idle prompt shows: the session is kept, but the prompt itself closes on a click. */
  keepAlive: (now: number) => void;
  setIdlePrompt: (on: boolean) => void;
  resetUi: (now: number) => void;
}

export type KioskStore = BridgeSlice & ClockSlice & UiSlice & ThemeSlice;

function nextTheme(s: KioskStore, kiosk: KioskState | null, now: number, tuning: ThemeTuning) {
  const cfg = kiosk?.config;
  return decideTheme(
    s.theme,
    { setting: cfg?.theme ?? 'auto', ambient: kiosk?.ambient ?? null, location: cfg?.location ?? null },
    now,
    tuning,
  );
}

/** The state as the renderer keeps it: a malformed light reading becomes "no sensor", logged and counted. */
function checked(kiosk: KioskState): { kiosk: KioskState; invalid: boolean } {
  if (kiosk.ambient === undefined || kiosk.ambient === null) return { kiosk, invalid: false };
  const r = checkAmbient(kiosk.ambient);
  if (r.ok) return { kiosk, invalid: false };
  console.warn(`ambient light reading ignored: ${r.error}`);
  return { kiosk: { ...kiosk, ambient: null }, invalid: true };
}

const createBridgeSlice =
  (tuning: ThemeTuning): StateCreator<KioskStore, [], [], BridgeSlice> =>
  (set) => ({
    kiosk: null,
    linkUp: false,
    invalidInputs: 0,
    setKiosk: (incoming) =>
      set((s) => {
        const { kiosk, invalid } = checked(incoming);
        return {
          kiosk,
          theme: nextTheme(s, kiosk, s.now, tuning),
          ...(invalid ? { invalidInputs: s.invalidInputs + 1 } : {}),
        };
      }),
    setLinkUp: (linkUp) => set({ linkUp }),
  });

const createClockSlice =
  (now: number, tuning: ThemeTuning): StateCreator<KioskStore, [], [], ClockSlice> =>
  (set) => ({
    now,
    tick: (t) => set((s) => ({ now: t, theme: nextTheme(s, s.kiosk, t, tuning) })),
  });

export function initialUi(now: number, session = 0): UiState {
  return {
    view: 'attract',
    lang: null,
    lowReach: false,
    eventId: null,
    poiId: null,
    eventRange: 'today',
    eventCategory: null,
    idlePrompt: false,
    lastInput: now,
    session,
  };
}

const createUiSlice =
  (now: number, initial: Partial<UiState>): StateCreator<KioskStore, [], [], UiSlice> =>
  (set, get) => ({
    ...initialUi(now),
    ...initial,
    go: (view) => set({ view, eventId: null, poiId: null, idlePrompt: false }),
    setLang: (lang) => set({ lang }),
    setLowReach: (lowReach) => set({ lowReach }),
    openEvent: (eventId) => set({ eventId }),
    openPoi: (poiId) => set({ poiId }),
    setEventRange: (eventRange) => set({ eventRange, eventCategory: null }),
    setEventCategory: (eventCategory) => set({ eventCategory }),
    input: (t) => set(get().idlePrompt ? { lastInput: t, idlePrompt: false } : { lastInput: t }),
    keepAlive: (t) => set({ lastInput: t }),
    setIdlePrompt: (idlePrompt) => set({ idlePrompt }),
    resetUi: (t) => set({ ...initialUi(t, get().session + 1), ...initial, view: initial.view ?? 'attract' }),
  });

/** A fresh store (one per renderer, one per test). `initial` pins UI fields, e.g. a preview's language. */
export function createKioskStore(
  opts: { now?: number; initial?: Partial<UiState>; themeTuning?: ThemeTuning } = {},
): StoreApi<KioskStore> {
  const now = opts.now ?? Date.now();
  const initial = opts.initial ?? {};
  const tuning = opts.themeTuning ?? DEFAULT_THEME_TUNING;
  return createStore<KioskStore>()((...a) => ({
    theme: null,
    ...createBridgeSlice(tuning)(...a),
    ...createClockSlice(now, tuning)(...a),
    ...createUiSlice(now, initial)(...a),
  }));
}

// ---- selectors (narrow, so a component re-renders only when its slice changes) ----

export const selectConfig = (s: KioskStore) => s.kiosk?.config ?? null;

/** The language in use: the visitor's choice, else the screen's default, limited to what we translate. */
export function selectLang(s: KioskStore): string {
  const cfg = s.kiosk?.config;
  const want = s.lang ?? cfg?.defaultLanguage ?? 'da';
  return (UI_LANGUAGES as readonly string[]).includes(want) ? want : 'en';
}

/** Languages offered by the switch: the screen's languages we have translations for, in our order. */
export function selectLanguages(s: KioskStore): string[] {
  const cfg = s.kiosk?.config;
  const list = UI_LANGUAGES.filter((l) => !cfg || cfg.languages.includes(l));
  return list.length ? list : [...UI_LANGUAGES];
}

export const selectOnline = (s: KioskStore) => s.linkUp && (s.kiosk?.connection.online ?? false);

// ---- React binding ----

export const StoreContext = createContext<StoreApi<KioskStore> | null>(null);

export function useKiosk<T>(selector: (s: KioskStore) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useKiosk outside StoreContext');
  return useStore(store, selector);
}

export function useStoreApi(): StoreApi<KioskStore> {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStoreApi outside StoreContext');
  return store;
}

/** For selectors that build arrays or objects: compares shallowly so equal results do not re-render. */
export function useKioskShallow<T>(selector: (s: KioskStore) => T): T {
  return useKiosk(useShallow(selector));
}
