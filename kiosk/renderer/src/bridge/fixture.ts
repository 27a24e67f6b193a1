import type { BridgeAction, KioskState } from '../../../bridge/types.ts';
import { demoState } from '../fixtures/demo-state.ts';
import type { RendererBridge } from './types.ts';

/** Development: a built-in demo state, its times relative to now; actions go to the console. */
export function createFixtureBridge(profile: string | null): RendererBridge {
  const state: KioskState = demoState(Date.now(), { profile: (profile as never) ?? 'street-kiosk' });
  return {
    kind: 'fixture',
    subscribe(listener) {
      listener(state);
      return () => {};
    },
    onLink(listener) {
      listener(true);
      return () => {};
    },
    send(action: BridgeAction) {
      console.debug('bridge action', action);
    },
    close() {},
  };
}
