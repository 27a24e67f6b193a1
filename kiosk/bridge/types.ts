import type {
  Campaign,
  EventsSnapshot,
  FeedKind,
  Freshness,
  ParkingSnapshot,
  ScreenConfig,
  Slide,
  TransportSnapshot,
  WaterSnapshot,
} from '../../protocol/index.ts';

/**
 * The one typed bridge between a screen's agent and its UI. The same types travel over
 * Electron IPC (preload), over the browser shell's local WebSocket, over the dashboard's
 * preview postMessage and the mobile companion's public channel.
 */

export interface PlayItem {
  campaignId: string;
  campaignVersion: number;
  priority: Campaign['priority'];
  slideIndex: number;
  slide: Slide;
  /** For image/video slides: the URL the UI loads the verified local copy from. */
  assetUrl: string | null;
}

export interface Playlist {
  /** An emergency campaign that takes over the whole screen, or null. */
  emergency: { campaign: Campaign; items: PlayItem[] } | null;
  /** Normal and high priority slides in play order (high first). */
  items: PlayItem[];
  computedAt: string;
}

/** One reading of the screen's ambient light sensor (hardware/ambient.ts, through the agent). */
export interface AmbientReading {
  /** Illuminance in lux, >= 0. */
  lux: number;
  /** When it was measured (ISO 8601); the UI ignores readings older than a few minutes. */
  at: string;
}

export interface KioskState {
  screenId: string;
  appVersion: string;
  /** Null until the screen has ever received its config (a brand-new screen). */
  config: ScreenConfig | null;
  connection: {
    /** Connected to the broker right now. */
    online: boolean;
    /** When the current online/offline state began. */
    since: string | null;
  };
  feeds: {
    transport: Record<string, TransportSnapshot>;
    parking: Record<string, ParkingSnapshot>;
    water: Record<string, WaterSnapshot>;
    events: Record<string, EventsSnapshot>;
  };
  playlist: Playlist;
  downloads: { pending: number; bytesDone: number; bytesTotal: number };
  display: { on: boolean; brightness: number | null };
  /** "Identify" command: show a banner with the screen id until this time. */
  identifyUntil: string | null;
  /** Incremented by the reload command; the UI reloads itself when it changes. */
  reloadSeq: number;
  /** Where the data came from at start: the on-disk cache or the live connection. */
  source: 'cache' | 'live' | 'empty';
  /**
   * Freshness of every feed in `feeds` (protocol/freshness.ts), recomputed by the agent as time
   * passes: stale feeds show a "Not updated since" badge, expired ones are hidden. Absent from
   * states that were not made by an agent (fixtures, previews); the UI then computes it itself.
   */
  feedFreshness?: Record<FeedKind, Record<string, Freshness>>;
  /**
   * Optional, additive: the latest ambient light reading, for the day/night theme. Null when the
   * screen has no sensor or it failed; absent from states not made by an agent (fixtures, previews,
   * older agents). The UI falls back to sunrise and sunset when it is null, absent or stale.
   */
  ambient?: AmbientReading | null;
}

export type BridgeAction =
  | { type: 'play'; campaignId: string; campaignVersion: number; slideIndex: number; seconds: number }
  | { type: 'view'; view: string }
  | { type: 'touch' }
  | { type: 'renderer'; state: 'ok' | 'blank' };

/** What every UI-side bridge implementation provides. */
export interface Bridge {
  /** Calls back with the full state now (if known) and on every change; returns an unsubscribe. */
  subscribe(listener: (state: KioskState) => void): () => void;
  send(action: BridgeAction): void;
}

/** Messages on the browser shell's local WebSocket (ws://127.0.0.1:UI_PORT/bridge). */
export type BridgeServerMessage = { type: 'state'; state: KioskState };
export type BridgeClientMessage = { type: 'action'; action: BridgeAction };

/** The single IPC channel map shared by Electron main, preload and renderer. */
export interface IpcChannelMap {
  /** renderer -> main (invoke): the current state. */
  'bridge:get-state': { request: undefined; response: KioskState };
  /** renderer -> main (send): an action. */
  'bridge:action': { request: BridgeAction; response: undefined };
  /** main -> renderer (event): a new state. */
  'bridge:state': { request: KioskState; response: undefined };
}
export type IpcChannel = keyof IpcChannelMap;
export const IPC_CHANNELS: readonly IpcChannel[] = ['bridge:get-state', 'bridge:action', 'bridge:state'];

export function emptyKioskState(screenId: string, appVersion: string): KioskState {
  return {
    screenId,
    appVersion,
    config: null,
    connection: { online: false, since: null },
    feeds: { transport: {}, parking: {}, water: {}, events: {} },
    playlist: { emergency: null, items: [], computedAt: new Date(0).toISOString() },
    downloads: { pending: 0, bytesDone: 0, bytesTotal: 0 },
    display: { on: true, brightness: null },
    identifyUntil: null,
    reloadSeq: 0,
    source: 'empty',
  };
}
