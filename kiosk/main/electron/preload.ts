import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { Bridge, BridgeAction, IpcChannelMap, KioskState } from '../../bridge/types.ts';

/**
 * The preload: exposes exactly one object to the page, `window.stander`, implementing the UI's
 * `Bridge` over the shared IpcChannelMap. No Node, no ipcRenderer, no other API reaches the page.
 * Runs sandboxed with contextIsolation; bundled to CommonJS by scripts/build-electron.mjs.
 */

const STATE: keyof IpcChannelMap = 'bridge:state';
const GET_STATE: keyof IpcChannelMap = 'bridge:get-state';
const ACTION: keyof IpcChannelMap = 'bridge:action';

export const bridge: Bridge = {
  subscribe(listener: (state: KioskState) => void): () => void {
    let live = true;
    const onState = (_event: IpcRendererEvent, state: KioskState) => {
      if (live) listener(state);
    };
    ipcRenderer.on(STATE, onState);
    void ipcRenderer
      .invoke(GET_STATE)
      .then((state: KioskState) => {
        if (live) listener(state);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      ipcRenderer.removeListener(STATE, onState);
    };
  },
  send(action: BridgeAction): void {
    ipcRenderer.send(ACTION, action);
  },
};

contextBridge.exposeInMainWorld('stander', bridge);
