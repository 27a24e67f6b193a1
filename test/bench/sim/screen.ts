import {
  CampaignSchema,
  CommandResultSchema,
  CommandSchema,
  type FeedKind,
  feedSnapshotSchemas,
  type Health,
  ScreenConfigSchema,
  StatusSchema,
  decodePayload,
  encodePayload,
  filters,
  parseTopic,
  topics,
} from '../../../protocol/index.ts';
import { LiteClient } from './lite-client.ts';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across threads and processes. */
export const now = (): number => performance.timeOrigin + performance.now();

export interface ScreenIdentity {
  id: string;
  /** Device token; absent against an anonymous baseline broker. */
  token?: string;
}

export interface ScreenBehaviour {
  host: string;
  port: number;
  keepaliveS: number;
  /** false = persistent session (queued QoS 1 messages survive an absence), like a real screen. */
  clean: boolean;
  /** Subscribe to the feeds the config lists, as the agent does. */
  subscribeFeeds: boolean;
  /** After a new campaign version, re-publish the retained status with the held campaigns (debounced). */
  reportDeliveryMs: number | null;
  connectTimeoutMs: number;
}

interface Held {
  version: number; // 0 = deleted
  at: number;
}

/**
 * One simulated screen: the real v1 protocol (auth, last will, subscriptions, retained status,
 * health, command results) and zod validation of everything it receives, recording when each
 * piece of state arrived. No rendering, no downloads: the light half of a kiosk agent.
 */
export class SimScreen {
  client: LiteClient | null = null;
  configVersion = 0;
  configAt = 0;
  readonly campaigns = new Map<string, Held>();
  readonly feeds = new Map<string, { fetchedAt: string; at: number }>();
  private feedTopics = new Set<string>();
  invalid = 0;
  received = 0;
  commandsDone = 0;
  /** Bytes of closed connections (the live client's are added on read). */
  private closedBytesIn = 0;
  private closedBytesOut = 0;
  private statusTimer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();
  onChange: ((s: SimScreen) => void) | null = null;

  constructor(
    readonly identity: ScreenIdentity,
    private readonly b: ScreenBehaviour,
  ) {}

  get id(): string {
    return this.identity.id;
  }

  get bytesIn(): number {
    return this.closedBytesIn + (this.client?.bytesIn ?? 0);
  }
  get bytesOut(): number {
    return this.closedBytesOut + (this.client?.bytesOut ?? 0);
  }

  async connect(): Promise<void> {
    const id = this.identity.id;
    const client = await LiteClient.connect({
      host: this.b.host,
      port: this.b.port,
      clientId: id,
      ...(this.identity.token !== undefined ? { username: id, password: this.identity.token } : {}),
      clean: this.b.clean,
      keepaliveS: this.b.keepaliveS,
      timeoutMs: this.b.connectTimeoutMs,
      will: {
        topic: topics.screenStatus(id),
        payload: encodePayload(StatusSchema, { state: 'offline', at: new Date().toISOString() }),
        qos: 1,
        retain: true,
      },
      onMessage: (m) => this.onMessage(m.topic, m.payload),
    });
    this.client = client;
    client.on('error', () => {});
    client.on('close', () => {
      this.closedBytesIn += client.bytesIn;
      this.closedBytesOut += client.bytesOut;
      if (this.client === client) this.client = null;
      if (this.statusTimer) clearTimeout(this.statusTimer);
    });
    // Like the kiosk agent (kiosk/agent/connection.ts): subscriptions are re-applied on every connect,
    // session present or not, which also brings every retained message back.
    this.feedTopics = new Set();
    const granted = await client.subscribe([
      { topic: topics.screenConfig(id), qos: 1 },
      { topic: topics.screenCmd(id), qos: 1 },
      { topic: filters.allCampaigns, qos: 1 },
    ]);
    if (granted.some((g) => g === 128)) throw new Error(`subscription refused for ${id}: ${granted}`);
    if (this.b.subscribeFeeds && this.configVersion > 0) await this.subscribeFeeds(this.lastFeeds);
    await this.publishStatus();
  }

  private lastFeeds: Partial<Record<FeedKind, string[]>> = {};

  private async subscribeFeeds(feeds: Partial<Record<FeedKind, string[]>>): Promise<void> {
    this.lastFeeds = feeds;
    const client = this.client;
    if (!client?.connected) return;
    const wanted: { topic: string; qos: 1 }[] = [];
    for (const [kind, ids] of Object.entries(feeds) as [FeedKind, string[]][]) {
      for (const fid of ids) {
        const t = topics.feed(kind, fid);
        if (!this.feedTopics.has(t)) wanted.push({ topic: t, qos: 1 });
      }
    }
    if (wanted.length === 0) return;
    for (const w of wanted) this.feedTopics.add(w.topic);
    await client.subscribe(wanted);
  }

  heldCampaigns(): { id: string; version: number }[] {
    const out: { id: string; version: number }[] = [];
    for (const [cid, h] of this.campaigns) if (h.version > 0) out.push({ id: cid, version: h.version });
    return out;
  }

  async publishStatus(): Promise<void> {
    const c = this.client;
    if (!c?.connected) return;
    const status = encodePayload(StatusSchema, {
      state: 'online',
      at: new Date().toISOString(),
      appVersion: 'sim-1',
      contentVersion: String(this.configVersion),
      campaigns: this.heldCampaigns(),
    });
    await c.publish(topics.screenStatus(this.id), status, { qos: 1, retain: true });
  }

  healthPayload(): Buffer {
    const feeds = [...this.feeds.keys()].slice(0, 200).flatMap((t) => {
      const p = parseTopic(t);
      return p?.kind === 'feed' ? [{ kind: p.feed, id: p.id, ageS: 0, state: 'fresh' as const }] : [];
    });
    const h: Health = {
      at: new Date().toISOString(),
      uptimeS: Math.round((Date.now() - this.started) / 1000),
      cpuPercent: 12.5,
      memory: { rssBytes: 180e6, freeBytes: 2.1e9, totalBytes: 4e9 },
      disk: { freeBytes: 20e9, totalBytes: 32e9 },
      temperatureC: 48.5,
      display: { on: true, brightness: 80 },
      feeds,
      contentVersion: String(this.configVersion),
      campaigns: this.heldCampaigns(),
      downloads: { pending: 0, bytesDone: 0, bytesTotal: 0 },
      invalidMessages: this.invalid,
      cacheCorruptions: 0,
      renderer: { state: 'ok', restarts: 0 },
      clockJumpS: 0,
    };
    return Buffer.from(JSON.stringify(h));
  }

  /** Health is QoS 0, not retained: fire and forget, as the agent does. */
  sendHealth(): boolean {
    const c = this.client;
    if (!c?.connected) return false;
    void c.publish(topics.screenHealth(this.id), this.healthPayload(), { qos: 0, retain: false });
    return true;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const at = now();
    this.received++;
    const parsed = parseTopic(topic);
    if (!parsed) {
      this.invalid++;
      return;
    }
    if (parsed.kind === 'campaign') {
      if (payload.length === 0) {
        this.campaigns.set(parsed.id, { version: 0, at });
      } else {
        const d = decodePayload(CampaignSchema, payload);
        if (!d.ok || d.value.id !== parsed.id) {
          this.invalid++;
          return;
        }
        const held = this.campaigns.get(parsed.id);
        if (held && held.version > d.value.version) return;
        const isNew = !held || held.version < d.value.version;
        // A re-delivery of the version held (retained, after a reconnect) confirms it is current.
        this.campaigns.set(parsed.id, { version: d.value.version, at });
        if (isNew) this.scheduleStatus();
      }
    } else if (parsed.kind === 'feed') {
      const d = decodePayload(feedSnapshotSchemas[parsed.feed], payload);
      if (!d.ok) {
        this.invalid++;
        return;
      }
      this.feeds.set(topic, { fetchedAt: d.value.fetchedAt, at });
    } else if (parsed.screenId !== this.id) {
      this.invalid++;
      return;
    } else if (parsed.channel === 'config') {
      const d = decodePayload(ScreenConfigSchema, payload);
      if (!d.ok || d.value.screenId !== this.id) {
        this.invalid++;
        return;
      }
      if (d.value.version < this.configVersion) return;
      this.configVersion = d.value.version;
      this.configAt = at;
      if (this.b.subscribeFeeds) void this.subscribeFeeds(d.value.feeds).catch(() => {});
    } else if (parsed.channel === 'cmd') {
      const d = decodePayload(CommandSchema, payload);
      if (!d.ok) {
        this.invalid++;
        return;
      }
      this.commandsDone++;
      const result = {
        id: d.value.id,
        type: d.value.type,
        ok: true,
        at: new Date().toISOString(),
        message: 'simulated',
      };
      // A command queued while offline arrives right behind CONNACK, before connect() has returned.
      setImmediate(() => {
        void this.client
          ?.publish(topics.screenCmdResult(this.id), encodePayload(CommandResultSchema, result), {
            qos: 1,
            retain: false,
          })
          .catch(() => {});
      });
    } else {
      this.invalid++;
      return;
    }
    this.onChange?.(this);
  }

  private scheduleStatus(): void {
    const ms = this.b.reportDeliveryMs;
    if (ms === null || this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      void this.publishStatus().catch(() => {});
    }, ms);
  }

  async disconnect(): Promise<void> {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    await this.client?.end();
  }

  kill(mode: 'reset' | 'silent'): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    if (mode === 'reset') this.client?.kill();
    else this.client?.goSilent();
  }

  destroy(): void {
    this.client?.destroy();
  }
}
