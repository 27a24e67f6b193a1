import type { BridgeAction, KioskState } from '../../../bridge/types.ts';
import { looksLikeState, type RendererBridge } from './types.ts';

/**
 * The dashboard's slide preview: the parent window posts `{type: 'stander:state', state}` and receives
 * `{type: 'stander:action', action}` and, once listening, `{type: 'stander:ready'}`. Only messages from
 * the parent window are read.
 */
export function createPreviewBridge(win: Window = window): RendererBridge {
  const listeners = new Set<(s: KioskState) => void>();
  let last: KioskState | null = null;
  const parent = win.parent && win.parent !== win ? win.parent : null;
  const onMessage = (ev: MessageEvent) => {
    if (parent && ev.source !== parent) return;
    const m = ev.data as { type?: unknown; state?: unknown } | null;
    if (m?.type !== 'stander:state' || !looksLikeState(m.state)) return;
    last = m.state as KioskState;
    for (const l of listeners) l(last);
  };
  win.addEventListener('message', onMessage);
  parent?.postMessage({ type: 'stander:ready' }, '*');
  return {
    kind: 'preview',
    subscribe(listener) {
      listeners.add(listener);
      if (last) listener(last);
      return () => listeners.delete(listener);
    },
    onLink(listener) {
      listener(true);
      return () => {};
    },
    send(action: BridgeAction) {
      parent?.postMessage({ type: 'stander:action', action }, '*');
    },
    close() {
      win.removeEventListener('message', onMessage);
    },
  };
}
