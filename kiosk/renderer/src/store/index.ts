import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { KioskState } from '../../../bridge/types.ts';
import type { EventRange } from '../lib/feeds.ts';

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
  setIdlePrompt: (on: boolean) => void;
  resetUi: (now: number) => void;
}

export type KioskStore = BridgeSlice & ClockSlice & UiSlice;

const createBridgeSlice: StateCreator<KioskStore, [], [], BridgeSlice> = (set) => ({
  kiosk: null,
  linkUp: false,
  setKiosk: (kiosk) => set({ kiosk }),
  setLinkUp: (linkUp) => set({ linkUp }),
});

const createClockSlice =
  (now: number): StateCreator<KioskStore, [], [], ClockSlice> =>
  (set) => ({
    now,
    tick: (t) => set({ now: t }),
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
    setIdlePrompt: (idlePrompt) => set({ idlePrompt }),
    resetUi: (t) => set({ ...initialUi(t, get().session + 1), ...initial, view: initial.view ?? 'attract' }),
  });

/** A fresh store (one per renderer, one per test). `initial` pins UI fields, e.g. a preview's language. */
export function createKioskStore(
  opts: { now?: number; initial?: Partial<UiState> } = {},
): StoreApi<KioskStore> {
  const now = opts.now ?? Date.now();
  const initial = opts.initial ?? {};
  return createStore<KioskStore>()((...a) => ({
    ...createBridgeSlice(...a),
    ...createClockSlice(now)(...a),
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
