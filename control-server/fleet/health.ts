import { EventEmitter } from 'node:events';
import { type Health, HealthSchema, decodePayload, filters, parseTopic } from '../../protocol/index.ts';
import type { Bus } from '../bus.ts';
import type { Logger } from '../log.ts';
import { invalidMessages, reasonOf } from '../metrics.ts';

/**
 * Latest health report per screen, in memory, as it arrives on v1/screens/+/health. The bounded
 * compact history goes to a HealthHistorySink (the store's health history, which samples per bucket
 * and writes periodically, never per message).
 */
export interface HealthHistorySink {
  recordHealth(screenId: string, health: Health, now?: number): void;
}

export interface HealthEvents {
  report: [screenId: string, health: Health, receivedAt: number];
}

export interface LatestHealth {
  health: Health;
  /** Server time of arrival (ms). */
  receivedAt: number;
}

export interface FleetHealthOptions {
  bus: Bus;
  log: Logger;
  history?: HealthHistorySink | null;
  now?: () => number;
}

export class FleetHealth extends EventEmitter<HealthEvents> {
  readonly #o: FleetHealthOptions;
  readonly #latest = new Map<string, LatestHealth>();
  #unsub: (() => void) | null = null;

  constructor(o: FleetHealthOptions) {
    super();
    this.#o = o;
  }

  async start(): Promise<void> {
    this.#unsub = await this.#o.bus.subscribe(filters.allScreenChannel('health'), (t, p) =>
      this.#onHealth(t, p),
    );
  }

  stop(): void {
    this.#unsub?.();
    this.#unsub = null;
  }

  latest(screenId: string): Health | null {
    return this.#latest.get(screenId)?.health ?? null;
  }

  latestWithTime(screenId: string): LatestHealth | null {
    return this.#latest.get(screenId) ?? null;
  }

  forget(screenId: string): void {
    this.#latest.delete(screenId);
  }

  #onHealth(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'screen') return;
    const r = decodePayload(HealthSchema, payload);
    if (!r.ok) {
      invalidMessages.inc({ kind: 'health', reason: reasonOf(r.error) });
      this.#o.log.warn({ topic, error: r.error }, 'invalid health dropped');
      return;
    }
    const now = (this.#o.now ?? Date.now)();
    this.#latest.set(parsed.screenId, { health: r.value, receivedAt: now });
    // History buckets by arrival time: a screen with a wrong clock cannot rewrite the past.
    this.#o.history?.recordHealth(parsed.screenId, r.value, now);
    this.emit('report', parsed.screenId, r.value, now);
  }
}
