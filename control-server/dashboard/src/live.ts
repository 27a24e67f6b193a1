import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LiveEvent, LiveEventType } from '../../api/routes-dashboard/hub.ts';
import { loadSession } from './api.ts';

/**
 * One EventSource per tab on GET /api/v1/stream?token=..., shared by every component.
 * EventSource retries by itself after a network error; after an HTTP error it closes, so this
 * reopens it with a growing delay (1 s .. 30 s).
 */
type Listener = (e: LiveEvent) => void;
const listeners = new Map<LiveEventType, Set<Listener>>();
const stateListeners = new Set<() => void>();
let source: EventSource | null = null;
let connected = false;
let retryMs = 1000;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let wanted = false;

function setConnected(v: boolean): void {
  if (connected === v) return;
  connected = v;
  for (const l of stateListeners) l();
}

function open(): void {
  const s = loadSession();
  if (!s || !wanted) return;
  const es = new EventSource(`/api/v1/stream?token=${encodeURIComponent(s.token)}`);
  source = es;
  es.addEventListener('open', () => {
    retryMs = 1000;
    setConnected(true);
  });
  es.addEventListener('error', () => {
    setConnected(false);
    if (es.readyState === EventSource.CLOSED && wanted) {
      source = null;
      retryTimer = setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 30_000);
    }
  });
  for (const type of [
    'presence',
    'health',
    'command-result',
    'delivery',
    'campaign',
    'plays',
    'alert',
  ] as const) {
    es.addEventListener(type, (m) => {
      let data: LiveEvent;
      try {
        data = { ...(JSON.parse((m as MessageEvent<string>).data) as object), type } as LiveEvent;
      } catch {
        return;
      }
      for (const l of listeners.get(type) ?? []) l(data);
    });
  }
}

export function startLive(): void {
  if (wanted) return;
  wanted = true;
  open();
}

export function stopLive(): void {
  wanted = false;
  if (retryTimer) clearTimeout(retryTimer);
  source?.close();
  source = null;
  setConnected(false);
}

export function onLive<T extends LiveEventType>(
  type: T,
  listener: (e: Extract<LiveEvent, { type: T }>) => void,
): () => void {
  let set = listeners.get(type);
  if (!set) {
    set = new Set();
    listeners.set(type, set);
  }
  const l = listener as Listener;
  set.add(l);
  return () => set.delete(l);
}

/** Subscribes a component to live events of some types; the handler may change between renders. */
export function useLive<T extends LiveEventType>(
  type: T,
  handler: (e: Extract<LiveEvent, { type: T }>) => void,
): void {
  const [ref] = useState(() => ({ current: handler }));
  ref.current = handler;
  useEffect(() => onLive(type, (e) => ref.current(e)), [type, ref]);
}

export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    (cb) => {
      stateListeners.add(cb);
      return () => stateListeners.delete(cb);
    },
    () => connected,
  );
}
