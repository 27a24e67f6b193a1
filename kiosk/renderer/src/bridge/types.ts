import type { Bridge } from '../../../bridge/types.ts';

/** A bridge that can also say whether its own link to the agent is up. */
export interface RendererBridge extends Bridge {
  kind: 'ws' | 'preload' | 'preview' | 'fixture';
  /** Calls back with the link state now and on every change; returns an unsubscribe. */
  onLink(listener: (up: boolean) => void): () => void;
  close(): void;
}

/** Structural check of an incoming state message (the agent validated the feeds already). */
export function looksLikeState(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.screenId === 'string' &&
    typeof s.feeds === 'object' &&
    s.feeds !== null &&
    typeof s.playlist === 'object' &&
    s.playlist !== null &&
    typeof s.connection === 'object' &&
    s.connection !== null
  );
}
