import type { ScreenBehaviour, ScreenIdentity, SimScreen } from './screen.ts';

/** What a screen must hold to count as current. */
export interface Want {
  /** Minimum config version (1 = any config). */
  configVersion?: number;
  /** Campaign id -> minimum version; 0 means the campaign must have been deleted. */
  campaigns?: Record<string, number>;
  /** Feed topic -> minimum fetchedAt (ISO). */
  feeds?: Record<string, string>;
  /** Only receipts at or after this absolute time (ms) count (e.g. after a reconnect). */
  since?: number;
}

/** When the screen became current for `want` (the latest receipt among the wanted items), or null. */
export function satisfiedAt(s: SimScreen, want: Want): number | null {
  let at = 0;
  const since = want.since ?? 0;
  if (want.configVersion !== undefined) {
    if (s.configVersion < want.configVersion || s.configAt < since) return null;
    at = Math.max(at, s.configAt);
  }
  for (const [id, min] of Object.entries(want.campaigns ?? {})) {
    const h = s.campaigns.get(id);
    if (!h) return null;
    if (min === 0 ? h.version !== 0 : h.version < min) return null;
    if (h.at < since) return null;
    at = Math.max(at, h.at);
  }
  for (const [topic, min] of Object.entries(want.feeds ?? {})) {
    const f = s.feeds.get(topic);
    if (!f || f.fetchedAt < min || f.at < since) return null;
    at = Math.max(at, f.at);
  }
  return at;
}

export interface ScreenStats {
  id: string;
  connected: boolean;
  bytesIn: number;
  bytesOut: number;
  received: number;
  invalid: number;
  commandsDone: number;
}

export type WorkerRequest =
  | {
      op: 'connect';
      screens: ScreenIdentity[];
      behaviour: ScreenBehaviour;
      /** Connections in flight at once in this worker (Infinity = all at once, a storm). */
      concurrency: number;
      retries: number;
    }
  | { op: 'reconnect'; ids: string[]; concurrency: number; retries: number }
  | { op: 'want'; want: Want; ids?: string[]; timeoutMs: number }
  | { op: 'health'; perSecond: number; durationMs: number }
  | { op: 'kill'; ids: string[]; mode: 'reset' | 'silent' }
  | { op: 'disconnect'; ids?: string[] }
  | { op: 'stats'; ids?: string[] }
  | { op: 'inspect'; id: string }
  | { op: 'close' };

/** One screen's state, for diagnosing a screen that never became current. */
export interface ScreenState {
  id: string;
  connected: boolean;
  configVersion: number;
  campaigns: Record<string, number>;
  feeds: string[];
  invalid: number;
}

export interface ConnectReply {
  connected: number;
  failed: { id: string; error: string }[];
  /** Per connected screen: ms from the start of the request to SUBACK + status published. */
  connectMs: number[];
}

export interface WantReply {
  /** Per screen: the absolute time (ms) it became current, or null if it never did. */
  at: { id: string; at: number | null }[];
}

export interface HealthReply {
  sent: number;
  skipped: number;
  elapsedMs: number;
}

export type WorkerEnvelope = { reqId: number; req: WorkerRequest };
export type WorkerResult =
  | { reqId: number; ok: true; value: unknown }
  | { reqId: number; ok: false; error: string };
