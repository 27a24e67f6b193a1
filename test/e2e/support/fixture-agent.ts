/**
 * The kiosk agent's real UI server (kiosk/bridge/ws-server.ts) fed from fixture KioskState instead of
 * MQTT: serves dist/renderer and the /bridge WebSocket exactly as on a screen.
 */
import { join } from 'node:path';
import { silentLogger } from '../../../kiosk/agent/log.ts';
import { startUiServer } from '../../../kiosk/bridge/ws-server.ts';
import type { BridgeAction, KioskState } from '../../../kiosk/bridge/types.ts';

export interface FixtureAgent {
  url: string;
  actions: BridgeAction[];
  setState(state: KioskState): void;
  state(): KioskState;
  clients(): number;
  close(): Promise<void>;
}

export interface FixtureAsset {
  path: string;
  size: number;
  mime: string;
}

export async function startFixtureAgent(
  initial: KioskState,
  assets: Record<string, FixtureAsset> = {},
  opts: { rendererDir?: string } = {},
): Promise<FixtureAgent> {
  let state = initial;
  const listeners = new Set<(s: KioskState) => void>();
  const actions: BridgeAction[] = [];
  const server = await startUiServer({
    port: 0,
    rendererDir: opts.rendererDir ?? join(import.meta.dirname, '../../../dist/renderer'),
    api: {
      getState: () => state,
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      dispatch: (a) => actions.push(a),
    },
    assets: { open: (sha) => assets[sha] ?? null },
    log: silentLogger,
    debounceMs: 0,
  });
  return {
    url: server.url.endsWith('/') ? server.url : `${server.url}/`,
    actions,
    setState(s) {
      state = s;
      for (const l of listeners) l(s);
    },
    state: () => state,
    clients: () => server.clients(),
    close: () => server.close(),
  };
}
