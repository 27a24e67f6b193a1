import {
  type Campaign,
  CampaignSchema,
  CommandResultSchema,
  type CommandResult,
  decodePayload,
  FeedSnapshotSchema,
  filters,
  snapshotId,
  type Health,
  HealthSchema,
  parseTopic,
  PlaysSchema,
  type ScreenConfig,
  ScreenConfigSchema,
  type Status,
  StatusSchema,
} from '../../../protocol/index.ts';
import { isTargeted } from '../../../protocol/schedule.ts';
import type { Bus } from '../../bus.ts';
import type { Logger } from '../../log.ts';
import type { AlertEngine } from '../../fleet/alerts.ts';
import type { PlaysStore } from '../../fleet/plays.ts';
import { HealthHistory } from './health-history.ts';
import type { LiveHub } from './hub.ts';

/**
 * The dashboard's live picture of the fleet, built only from what travels on the bus: retained
 * campaigns and screen configs (published by the server), and each screen's status, health,
 * command results and plays. It feeds the alert engine, the proof-of-play store, the health
 * history and the live stream, and answers the delivery question:
 *
 *   A screen HAS campaign C at version v when its latest status or health report lists C with a
 *   version >= v in `campaigns` (the agent lists a campaign there once its manifest is stored and
 *   every asset is downloaded and verified). A screen is TARGETED when protocol/schedule.ts's
 *   isTargeted(C.target, screen) holds for its config (the same function the agent uses).
 *   Delivery of C = targeted screens that have it / targeted screens; the others are laggards.
 */
export interface ScreenLive {
  id: string;
  config: ScreenConfig | null;
  online: boolean;
  /** When the current online/offline state began. */
  since: string;
  status: Status | null;
  health: Health | null;
  healthAt: string | null;
  /** campaign id -> version held, from the newest status or health that carried the list. */
  held: Map<string, number>;
  lastResult: CommandResult | null;
}

/** The newest snapshot seen of one feed (its metadata; the payload itself is not kept). */
export interface FeedSeen {
  kind: string;
  id: string;
  source: string;
  observedAt: string;
  fetchedAt: string;
  ttlS: number;
  demo: boolean;
  receivedAt: string;
  /** Number of items: departures, events or 1. */
  items: number;
}

export interface DeliveryScreen {
  id: string;
  name: string;
  online: boolean;
  heldVersion: number | null;
  has: boolean;
}

export interface Delivery {
  campaignId: string;
  version: number;
  targeted: number;
  have: number;
  screens: DeliveryScreen[];
}

export interface FleetViewOptions {
  bus: Bus;
  log: Logger;
  hub: LiveHub;
  alerts: AlertEngine;
  plays: PlaysStore;
  history?: HealthHistory;
  /** How often alerts are evaluated. */
  evaluateEveryMs?: number;
  now?: () => number;
}

export class FleetView {
  readonly campaigns = new Map<string, Campaign>();
  readonly screens = new Map<string, ScreenLive>();
  readonly feeds = new Map<string, FeedSeen>();
  readonly history: HealthHistory;
  private readonly unsubs: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  /** Campaigns whose delivery counts changed since the last flush (coalesced, see publishDelivery). */
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly startedAt: number;
  invalidMessages = 0;

  constructor(private readonly o: FleetViewOptions) {
    this.history = o.history ?? new HealthHistory();
    this.startedAt = this.now();
  }

  async start(): Promise<void> {
    const { bus } = this.o;
    const on = async (filter: string) => {
      this.unsubs.push(await bus.subscribe(filter, (topic, payload) => this.onMessage(topic, payload)));
    };
    await on(filters.allCampaigns);
    await on(filters.allFeeds);
    await on('v1/screens/+/config');
    await on(filters.allScreenChannel('status'));
    await on(filters.allScreenChannel('health'));
    await on(filters.allScreenChannel('cmd/result'));
    await on(filters.allScreenChannel('plays'));
    this.timer = setInterval(() => this.evaluate(), this.o.evaluateEveryMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.timer = null;
    for (const u of this.unsubs.splice(0)) u();
  }

  evaluate(): void {
    const now = this.now();
    for (const s of this.screens.values()) {
      if (s.config) this.o.alerts.observePresence(s.id, s.online, Date.parse(s.since));
    }
    this.o.alerts.evaluate(now);
  }

  delivery(campaignId: string): Delivery | null {
    const c = this.campaigns.get(campaignId);
    if (!c) return null;
    const screens: DeliveryScreen[] = [];
    for (const { s, name } of this.targetedBy(c)) {
      const heldVersion = s.held.get(c.id) ?? null;
      screens.push({
        id: s.id,
        name,
        online: s.online,
        heldVersion,
        has: heldVersion !== null && heldVersion >= c.version,
      });
    }
    screens.sort((a, b) => Number(a.has) - Number(b.has) || a.id.localeCompare(b.id));
    return {
      campaignId: c.id,
      version: c.version,
      targeted: screens.length,
      have: screens.filter((s) => s.has).length,
      screens,
    };
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  private screen(id: string): ScreenLive {
    let s = this.screens.get(id);
    if (!s) {
      s = {
        id,
        config: null,
        online: false,
        since: new Date(this.startedAt).toISOString(),
        status: null,
        health: null,
        healthAt: null,
        held: new Map(),
        lastResult: null,
      };
      this.screens.set(id, s);
    }
    return s;
  }

  private invalid(topic: string, error: string): void {
    this.invalidMessages++;
    this.o.log.warn({ topic, error }, 'dashboard: dropped an invalid message');
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!t) return;
    const now = this.now();
    if (t.kind === 'campaign') {
      if (payload.length === 0) {
        if (this.campaigns.delete(t.id)) this.o.hub.publish({ type: 'campaign', id: t.id, version: null });
        return;
      }
      const d = decodePayload(CampaignSchema, payload);
      if (!d.ok) {
        this.invalid(topic, d.error);
        return;
      }
      this.campaigns.set(t.id, d.value);
      this.o.hub.publish({ type: 'campaign', id: t.id, version: d.value.version });
      this.publishDelivery([t.id]);
      return;
    }
    if (t.kind === 'feed') {
      const key = `${t.feed}/${t.id}`;
      if (payload.length === 0) {
        this.feeds.delete(key);
        return;
      }
      const d = decodePayload(FeedSnapshotSchema, payload);
      if (!d.ok) {
        this.invalid(topic, d.error);
        return;
      }
      const f = d.value;
      this.feeds.set(key, {
        kind: f.kind,
        id: snapshotId(f),
        source: f.source,
        observedAt: f.observedAt,
        fetchedAt: f.fetchedAt,
        ttlS: f.ttlS,
        demo: f.demo === true,
        receivedAt: new Date(now).toISOString(),
        items: f.kind === 'transport' ? f.departures.length : f.kind === 'events' ? f.events.length : 1,
      });
      return;
    }
    if (t.kind !== 'screen') return;
    const id = t.screenId;
    switch (t.channel) {
      case 'config': {
        if (payload.length === 0) {
          this.screens.delete(id);
          this.o.alerts.forget(id, now);
          this.publishDelivery([...this.campaigns.keys()]);
          return;
        }
        const d = decodePayload(ScreenConfigSchema, payload);
        if (!d.ok) {
          this.invalid(topic, d.error);
          return;
        }
        this.screen(id).config = d.value;
        this.publishDelivery([...this.campaigns.keys()]);
        return;
      }
      case 'status': {
        const d = decodePayload(StatusSchema, payload);
        if (!d.ok) {
          this.invalid(topic, d.error);
          return;
        }
        const s = this.screen(id);
        const online = d.value.state === 'online';
        s.status = d.value;
        if (online !== s.online) {
          s.online = online;
          s.since = new Date(now).toISOString();
          this.o.alerts.observePresence(id, online, now);
          this.o.hub.publish({ type: 'presence', screenId: id, online, at: s.since });
        }
        if (d.value.campaigns) this.setHeld(s, d.value.campaigns);
        return;
      }
      case 'health': {
        const d = decodePayload(HealthSchema, payload);
        if (!d.ok) {
          this.invalid(topic, d.error);
          return;
        }
        const s = this.screen(id);
        s.health = d.value;
        s.healthAt = new Date(now).toISOString();
        this.history.add(id, d.value, now);
        this.o.alerts.observeHealth(id, d.value, now);
        this.o.hub.publish({ type: 'health', screenId: id, health: d.value });
        if (d.value.campaigns) this.setHeld(s, d.value.campaigns);
        return;
      }
      case 'cmd/result': {
        const d = decodePayload(CommandResultSchema, payload);
        if (!d.ok) {
          this.invalid(topic, d.error);
          return;
        }
        this.screen(id).lastResult = d.value;
        this.o.hub.publish({ type: 'command-result', screenId: id, result: d.value });
        return;
      }
      case 'plays': {
        const d = decodePayload(PlaysSchema, payload);
        if (!d.ok) {
          this.invalid(topic, d.error);
          return;
        }
        if (this.o.plays.add(id, d.value, now)) this.o.hub.publish({ type: 'plays', screenId: id });
        return;
      }
      default:
        return;
    }
  }

  private setHeld(s: ScreenLive, list: ReadonlyArray<{ id: string; version: number }>): void {
    const next = new Map(list.map((c) => [c.id, c.version]));
    const changed = new Set<string>();
    for (const [k, v] of next) if (s.held.get(k) !== v) changed.add(k);
    for (const k of s.held.keys()) if (!next.has(k)) changed.add(k);
    s.held = next;
    this.publishDelivery([...changed].filter((c) => this.campaigns.has(c)));
  }

  /**
   * Delivery counts go to the live stream at most every DELIVERY_FLUSH_MS: one push makes every screen
   * report its held campaigns, and recounting all N screens for each of those N reports is O(N^2)
   * on the broker's event loop (at 10,000 screens, minutes of CPU during the fan-out itself).
   */
  private publishDelivery(ids: string[]): void {
    for (const id of ids) this.dirty.add(id);
    if (this.flushTimer || this.dirty.size === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const batch = [...this.dirty];
      this.dirty.clear();
      for (const id of batch) {
        const d = this.deliveryCounts(id);
        if (d) this.o.hub.publish({ type: 'delivery', campaignId: id, ...d });
      }
    }, DELIVERY_FLUSH_MS);
    this.flushTimer.unref?.();
  }

  /** Targeted and held counts only: no per-screen list, no sort. */
  private deliveryCounts(campaignId: string): { version: number; targeted: number; have: number } | null {
    const c = this.campaigns.get(campaignId);
    if (!c) return null;
    let targeted = 0;
    let have = 0;
    for (const { s } of this.targetedBy(c)) {
      targeted++;
      const held = s.held.get(c.id);
      if (held !== undefined && held >= c.version) have++;
    }
    return { version: c.version, targeted, have };
  }

  /** The known screens (with a config) that a campaign is aimed at. */
  private *targetedBy(c: { target: Campaign['target'] }) {
    for (const s of this.screens.values()) {
      if (!s.config) continue;
      const { groups, tags, location, name } = s.config;
      if (isTargeted(c.target, { id: s.id, groups, tags, location })) yield { s, name };
    }
  }
}

const DELIVERY_FLUSH_MS = 250;
