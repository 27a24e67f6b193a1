import type { BridgeAction, BridgeClientMessage, KioskState } from '../../../bridge/types.ts';
import { looksLikeState, type RendererBridge } from './types.ts';

/**
 * The browser shell's bridge: the agent's WebSocket at ws://same-host/bridge. Reconnects with
 * backoff (0.5 s doubling to 5 s) forever; actions are sent after the next frame, and dropped while
 * the link is down (they are analytics).
 */
export function createWsBridge(url: string): RendererBridge {
  const listeners = new Set<(s: KioskState) => void>();
  const linkListeners = new Set<(up: boolean) => void>();
  let last: KioskState | null = null;
  let ws: WebSocket | null = null;
  let up = false;
  let closed = false;
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const setUp = (v: boolean) => {
    if (up === v) return;
    up = v;
    for (const l of linkListeners) l(v);
  };

  const connect = () => {
    if (closed) return;
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
      delay = 500;
      setUp(true);
    };
    sock.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: unknown;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        console.warn('bridge: ignored a message that is not JSON');
        return;
      }
      const m = msg as { type?: unknown; state?: unknown };
      if (m.type !== 'state' || !looksLikeState(m.state)) {
        console.warn('bridge: ignored an unknown message');
        return;
      }
      last = m.state as KioskState;
      for (const l of listeners) l(last);
    };
    sock.onclose = () => {
      if (ws === sock) ws = null;
      setUp(false);
      if (closed) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
    sock.onerror = () => sock.close();
  };
  connect();

  let queue: BridgeAction[] = [];
  let flushScheduled = false;
  let cancelFlush = () => {};
  const flush = () => {
    cancelFlush();
    flushScheduled = false;
    const out = queue;
    queue = [];
    // Dropped while the link is down, as before: they are analytics.
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    for (const action of out) {
      const msg: BridgeClientMessage = { type: 'action', action };
      ws.send(JSON.stringify(msg));
    }
  };

  return {
    kind: 'ws',
    subscribe(listener) {
      listeners.add(listener);
      if (last) listener(last);
      return () => listeners.delete(listener);
    },
    onLink(listener) {
      linkListeners.add(listener);
      listener(up);
      return () => linkListeners.delete(listener);
    },
    send(action: BridgeAction) {
      // Actions are reports (touches, views, plays): they leave after the frame that answers the tap,
      // in order, instead of in the tap's handler.
      queue.push(action);
      if (flushScheduled) return;
      flushScheduled = true;
      const frame = requestAnimationFrame(() => setTimeout(flush, 0));
      // rAF does not run in a hidden page: a fallback, so reports are never held back for long.
      const fallback = setTimeout(flush, 250);
      cancelFlush = () => {
        cancelAnimationFrame(frame);
        clearTimeout(fallback);
      };
    },
    close() {
      flush();
      closed = true;
      if (timer) clearTimeout(timer);
      ws?.close();
    },
  };
}

export function bridgeUrl(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/bridge`;
}
