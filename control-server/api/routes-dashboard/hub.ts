import type { CommandResult, Health } from '../../../protocol/index.ts';
import type { AlertEvent } from '../../fleet/alerts.ts';

/** What the dashboard's live stream (SSE) carries; each is sent as an event named by `type`. */
export type LiveEvent =
  | { type: 'presence'; screenId: string; online: boolean; at: string }
  | { type: 'health'; screenId: string; health: Health }
  | { type: 'command-result'; screenId: string; result: CommandResult }
  | { type: 'delivery'; campaignId: string; version: number; targeted: number; have: number }
  | { type: 'campaign'; id: string; version: number | null }
  | { type: 'plays'; screenId: string }
  | { type: 'alert'; change: AlertEvent['type']; alert: AlertEvent['alert'] };

export type LiveEventType = LiveEvent['type'];
export const LIVE_EVENT_TYPES: readonly LiveEventType[] = [
  'presence',
  'health',
  'command-result',
  'delivery',
  'campaign',
  'plays',
  'alert',
];

/** Fan-out of live events to the open streams. A listener that throws is removed, never the hub. */
export class LiveHub {
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  published = 0;

  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  publish(e: LiveEvent): void {
    this.published++;
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        this.listeners.delete(l);
      }
    }
  }
}
