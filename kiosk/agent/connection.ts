import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from './log.ts';

/**
 * The screen's MQTT connection: persistent session under a stable client id, keepalive 15 s,
 * reconnect with exponential backoff and jitter (so a fleet does not reconnect in lockstep after
 * an outage), and a desired set of subscriptions that is re-applied on every connect (which also
 * brings every retained message back, the way a corrupt cache entry is fetched again).
 */
/**
 * MQTT keep-alive, seconds. The broker declares a silent client dead 1.5 x keepalive after the last
 * packet it received, so a screen whose network vanished right after a packet shows offline only
 * then: with 20 s (the first design) that is 30 s plus the broker's timer slack, over the 30 s goal
 * for seeing a dead screen (bench-results/presence.md; Mosquitto measured 33 s). 15 s gives 22.5 s.
 * The price is one PINGREQ/PINGRESP pair (2 + 2 bytes) per 15 s of idle uplink instead of per 20 s.
 */
export const KEEPALIVE_S = 15;

export interface ConnectionOptions {
  url: string;
  screenId: string;
  token: string;
  log: Logger;
  /** The last will (retained offline status), rebuilt before every connect attempt. */
  will: () => { topic: string; payload: Buffer };
  /**
   * Reconnect delays: exponential from minMs up to maxMs while the broker is unreachable (cheap to
   * retry: a refused TCP connect), refusedMs after the broker refused the credentials. Each delay
   * is drawn from [50%, 100%] of its ceiling so a fleet spreads out.
   */
  backoff?: { minMs?: number; maxMs?: number; refusedMs?: number };
  connectTimeoutMs?: number;
  onMessage: (topic: string, payload: Buffer, retained: boolean) => void;
  onOnline: (online: boolean) => void;
  /** After every connect, once subscriptions are in place. */
  onReady: () => void;
}

export class Connection {
  private client: MqttClient | null = null;
  private readonly desired = new Set<string>();
  private readonly subscribed = new Set<string>();
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private _online = false;
  private lastError = '';
  private refused = false;
  /** Successful connects since start. */
  connects = 0;

  constructor(private readonly opts: ConnectionOptions) {}

  get online(): boolean {
    return this._online;
  }

  start(): void {
    const will = this.opts.will();
    const client = mqtt.connect(this.opts.url, {
      clientId: this.opts.screenId,
      username: this.opts.screenId,
      password: this.opts.token,
      clean: false,
      keepalive: KEEPALIVE_S,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      resubscribe: false,
      will: { topic: will.topic, payload: will.payload, qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', (connack) => {
      this.attempts = 0;
      this.refused = false;
      this.connects++;
      this.lastError = '';
      this.opts.log.info({ sessionPresent: connack.sessionPresent }, 'connected to broker');
      this.subscribed.clear();
      void this.syncSubscriptions().then(
        () => {
          if (this.client !== client || !client.connected) return;
          this._online = true;
          this.opts.onOnline(true);
          this.opts.onReady();
        },
        (e: Error) => this.opts.log.warn({ err: e.message }, 'subscribe failed'),
      );
    });
    client.on('message', (topic, payload, packet) => {
      this.opts.onMessage(topic, payload, packet.retain === true);
    });
    client.on('error', (e) => {
      const code = (e as Error & { code?: unknown }).code;
      // Refused credentials will not fix themselves in a second: retry slowly, not hammer the broker.
      this.refused = code === 4 || code === 5 || code === 134 || code === 135;
      if (this.refused && this.retryTimer) {
        // 'close' may come first and have scheduled a fast retry: make it a slow one.
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
        this.scheduleReconnect();
      }
      if (e.message !== this.lastError) this.opts.log.warn({ err: e.message }, 'broker connection error');
      this.lastError = e.message;
    });
    client.on('close', () => {
      if (this._online) {
        this._online = false;
        this.opts.onOnline(false);
        this.opts.log.warn('disconnected from broker');
      }
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const min = this.opts.backoff?.minMs ?? 200;
    const max = this.refused ? (this.opts.backoff?.refusedMs ?? 30_000) : (this.opts.backoff?.maxMs ?? 1500);
    const ceiling = this.refused ? max : Math.min(max, min * 2 ** Math.min(this.attempts, 20));
    const delay = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    this.attempts++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const c = this.client;
      if (this.closed || !c || c.connected) return;
      const will = this.opts.will();
      c.options.will = { topic: will.topic, payload: will.payload, qos: 1, retain: true };
      c.reconnect();
    }, delay);
  }

  /** The subscriptions wanted now; applied at once when connected, and on every reconnect. */
  setSubscriptions(filters: Iterable<string>): void {
    this.desired.clear();
    for (const f of filters) this.desired.add(f);
    if (this.client?.connected) {
      void this.syncSubscriptions().catch((e: Error) =>
        this.opts.log.warn({ err: e.message }, 'subscription update failed'),
      );
    }
  }

  private async syncSubscriptions(): Promise<void> {
    const c = this.client;
    if (!c) return;
    const add = [...this.desired].filter((f) => !this.subscribed.has(f));
    const remove = [...this.subscribed].filter((f) => !this.desired.has(f));
    for (const f of add) this.subscribed.add(f);
    for (const f of remove) this.subscribed.delete(f);
    if (remove.length) await c.unsubscribeAsync(remove);
    if (add.length) {
      const grants = await c.subscribeAsync(Object.fromEntries(add.map((f) => [f, { qos: 1 as const }])));
      for (const g of grants) {
        if (g.qos === 128) {
          this.subscribed.delete(g.topic);
          this.opts.log.error({ filter: g.topic }, 'broker refused subscription');
        }
      }
    }
  }

  async publish(topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    const c = this.client;
    if (!c?.connected) throw new Error('not connected');
    await c.publishAsync(topic, payload, opts);
  }

  /** Ends the connection; `farewell` (e.g. a retained offline status) is published first if connected. */
  async close(farewell?: { topic: string; payload: Buffer }): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const c = this.client;
    if (!c) return;
    if (farewell && c.connected) {
      await Promise.race([
        c.publishAsync(farewell.topic, farewell.payload, { qos: 1, retain: true }).catch(() => undefined),
        new Promise((r) => setTimeout(r, 1000)),
      ]);
    }
    await c.endAsync(!c.connected).catch(() => undefined);
    if (this._online) {
      this._online = false;
      this.opts.onOnline(false);
    }
  }
}
