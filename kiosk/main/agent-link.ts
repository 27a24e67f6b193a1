import type { BridgeAction, KioskState } from '../bridge/types.ts';
import type { RendererReport } from './renderer-health.ts';

/**
 * What a shell needs from its screen's agent. The Electron shell relays state and actions between
 * the agent and its windows over IPC; both shells report the renderer's health here.
 */
export interface AgentLink {
  getState(): KioskState;
  /** Calls back on every state change; returns an unsubscribe. */
  subscribe(listener: (state: KioskState) => void): () => void;
  /** An action from the UI, already validated. */
  dispatch(action: BridgeAction): void;
  setRendererState(report: RendererReport): void;
}
