import type { StoreApi } from 'zustand/vanilla';
import type { KioskStore } from './store/index.ts';

/** Seconds the "Still there?" prompt counts down before everything resets. */
export const PROMPT_S = 10;

/**
 * Watches the store's clock: after config.idleTimeoutS without input the prompt shows; PROMPT_S later
 * the UI resets to the attract loop (language, view, selections, map). Returns the unsubscribe.
 */
export function watchIdle(store: StoreApi<KioskStore>): () => void {
  return store.subscribe((s, prev) => {
    if (s.now === prev.now || s.view === 'attract') return;
    const timeoutMs = (s.kiosk?.config?.idleTimeoutS ?? 60) * 1000;
    const idle = s.now - s.lastInput;
    if (idle >= timeoutMs + PROMPT_S * 1000) s.resetUi(s.now);
    else if (idle >= timeoutMs && !s.idlePrompt) s.setIdlePrompt(true);
  });
}
