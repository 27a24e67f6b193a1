import type { Bridge } from '../../../bridge/types.ts';
import type { RendererBridge } from './types.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload (kiosk/main): the Bridge of kiosk/bridge/types.ts. */
    stander?: Bridge;
  }
}

/** Electron: the preload's IPC bridge. The link is up while the preload is there (same process tree). */
export function createPreloadBridge(b: Bridge): RendererBridge {
  return {
    kind: 'preload',
    subscribe: (l) => b.subscribe(l),
    send: (a) => b.send(a),
    onLink(listener) {
      listener(true);
      return () => {};
    },
    close() {},
  };
}
