import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CommandResult,
  CommandResultSchema,
  encodePayload,
  filters,
  type Health,
  HealthSchema,
  isDisplayOnAt,
  parseTopic,
  StatusSchema,
  topics,
} from '../../protocol/index.ts';
import type { BridgeAction, KioskState } from '../bridge/types.ts';
import { emptyKioskState } from '../bridge/types.ts';
import { checkAmbient, sameAmbient } from '../bridge/ambient.ts';
import { MessageCache } from './cache.ts';
import { type IngestOutcome, ingest, PLAYABLE_PREFIX } from './ingest.ts';
import { CommandExecutor } from './commands.ts';
import { makeCommandHandlers } from './command-handlers.ts';
import { Connection } from './connection.ts';
import { ContentStore } from './content.ts';
import { HealthReporter } from './health-reporter.ts';
import type { HardwarePort } from './hardware-port.ts';
import type { Logger } from './log.ts';
import {
  type AgentData,
  buildPlaylist,
  contentVersionOf,
  heldCampaignsOf,
  emptyData,
  FEED_KINDS,
  feedView,
  wantedAssets,
} from './model.ts';
import { acceptPlayable, promotePlayable, repersistPlayable, stateFingerprint } from './playable.ts';
import { PlaysRecorder } from './plays.ts';
import type { RendererReport, ShellPort } from './shell-port.ts';

export interface AgentCoreOptions {
  screenId: string;
  token: string;
  serverUrl: string;
  mqttUrl: string;
  cacheDir: string;
  appVersion: string;
  hardware: HardwarePort;
  log: Logger;
  shell?: ShellPort | null;
  contentQuotaBytes?: number;
  reconnect?: { minMs?: number; maxMs?: number; refusedMs?: number };
  download?: { retryBaseMs?: number; retryMaxMs?: number; rejectRetryMs?: number };
  playsIntervalMs?: number;
  /** How often schedules, freshness and display hours are re-evaluated. */
  tickMs?: number;
  now?: () => number;
}

/** The screen's agent: cache, connection, content, schedule, health, commands and analytics. */
export class AgentCore {
  readonly data: AgentData = emptyData();
  readonly cache: MessageCache;
  readonly content: ContentStore;
  readonly commands: CommandExecutor;
  readonly plays: PlaysRecorder;
  connection: Connection | null = null;
  private state: KioskState;
  private stateKey = '';
  /** Bumped whenever the data behind the state changes. */
  private dataVersion = 0;
  private readonly listeners = new Set<(s: KioskState) => void>();
  private updateQueued = false;
  private tickTimer: NodeJS.Timeout | null = null;
  readonly health: HealthReporter;
  private scheduledDisplayOn: boolean | null = null;
  private publishedContentVersion = '';
  private closed = false;
  private liveSeen = false;
  shell: ShellPort | null;
  assetBaseUrl = '/assets/';
  invalidMessages = 0;
  /** Light sensor readings refused by checkAmbient (a broken sensor; not MQTT, so not invalidMessages). */
  invalidAmbientReadings = 0;
  readonly now: () => number;

  constructor(readonly opts: AgentCoreOptions) {
    this.now = opts.now ?? Date.now;
    this.health = new HealthReporter({
      now: this.now,
      hardware: opts.hardware,
      diskPath: opts.cacheDir,
      log: opts.log,
      refreshDisplay: () => this.refreshDisplay(),
      figures: (now) => {
        const has = (sha: string) => this.content.has(sha);
        return {
          display: this.state.display,
          feeds: feedView(this.data, now).health,
          contentVersion: contentVersionOf(this.data, has),
          downloads: this.content.progress(),
          invalidMessages: this.invalidMessages,
          cacheCorruptions: this.cache.corruptions,
          campaigns: heldCampaignsOf(this.data, has),
        };
      },
      publish: (h) =>
        this.publish(topics.screenHealth(opts.screenId), encodePayload(HealthSchema, h), 0, false),
      online: () => this.connection?.online ?? false,
    });
    this.shell = opts.shell ?? null;
    this.state = emptyKioskState(opts.screenId, opts.appVersion);
    this.cache = new MessageCache(join(opts.cacheDir, 'messages'), opts.log);
    this.content = new ContentStore({
      dir: join(opts.cacheDir, 'content'),
      serverUrl: opts.serverUrl,
      authorization: `Bearer ${opts.screenId}:${opts.token}`,
      quotaBytes: opts.contentQuotaBytes ?? 2 * 1024 ** 3,
      log: opts.log,
      ...opts.download,
      now: this.now,
    });
    this.commands = new CommandExecutor({
      file: join(opts.cacheDir, 'commands.json'),
      handlers: makeCommandHandlers(this),
      publishResult: (r) => this.publish(topics.screenCmdResult(opts.screenId), encodeResult(r), 1, false),
      log: opts.log,
      now: this.now,
      onInvalid: () => this.countInvalid(),
    });
    this.plays = new PlaysRecorder({
      dir: join(opts.cacheDir, 'plays'),
      publish: (payload) => this.publish(topics.screenPlays(opts.screenId), payload, 1, false),
      isOnline: () => this.connection?.online ?? false,
      log: opts.log,
      batchIntervalMs: opts.playsIntervalMs ?? 60_000,
      now: this.now,
    });
  }

  /** Loads everything from disk and computes the first state; no network. */
  async loadFromDisk(): Promise<void> {
    await mkdir(this.opts.cacheDir, { recursive: true });
    await Promise.all([this.cache.init(), this.content.init(), this.commands.init(), this.plays.init()]);
    const entries = await this.cache.loadAll();
    // Config first: which feeds are accepted depends on it.
    entries.sort((a, b) => Number(b.key.endsWith('/config')) - Number(a.key.endsWith('/config')));
    for (const e of entries) {
      const r = e.key.startsWith(PLAYABLE_PREFIX)
        ? acceptPlayable(this.data, e.payload)
        : this.accept(e.key, e.payload, false);
      if (r === 'invalid') await this.cache.setAside(e.key, 'no longer valid');
      // E.g. a feed the config no longer names: nothing will ever read it again.
      // (Only with a config: without one, every feed looks unwanted.)
      else if (r === 'ignored' && this.data.config) await this.cache.remove(e.key).catch(() => undefined);
    }
    this.content.onChange(() => this.queueUpdate());
    this.updateNow();
    this.state = { ...this.state, source: this.data.config || this.data.campaigns.size ? 'cache' : 'empty' };
  }

  /** Starts the network side: MQTT, downloads, timers. */
  start(): void {
    this.connection = new Connection({
      url: this.opts.mqttUrl,
      screenId: this.opts.screenId,
      token: this.opts.token,
      log: this.opts.log,
      backoff: this.opts.reconnect,
      will: () => ({
        topic: topics.screenStatus(this.opts.screenId),
        payload: this.statusPayload('offline'),
      }),
      onMessage: (topic, payload) => this.onMessage(topic, payload),
      onOnline: () => this.queueUpdate(),
      onReady: () => this.onReady(),
    });
    this.connection.setSubscriptions(this.subscriptions());
    this.connection.start();
    this.content.start();
    // The first tick now, not a second from now: display hours apply at once, so a display command
    // that arrives right after start is not undone by the start-up edge.
    this.tick();
    this.tickTimer = setInterval(() => this.tick(), this.opts.tickMs ?? 1000);
    this.armHealth();
    void this.refreshDisplay();
    this.queueUpdate();
  }

  private subscriptions(): string[] {
    const id = this.opts.screenId;
    const subs = [topics.screenConfig(id), topics.screenCmd(id), filters.allCampaigns];
    for (const kind of FEED_KINDS)
      for (const f of this.data.config?.feeds[kind] ?? []) subs.push(topics.feed(kind, f));
    return subs;
  }

  private onReady(): void {
    this.liveSeen = true;
    void this.publishStatus();
    void this.reportHealth();
    void this.commands.flush();
    void this.plays.flush();
    this.queueUpdate();
  }

  private countInvalid(): void {
    this.invalidMessages++;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.kind === 'screen' && parsed.channel === 'cmd' && parsed.screenId === this.opts.screenId) {
      void this.commands.handle(payload);
      return;
    }
    const r = this.accept(topic, payload, true);
    if (r === 'invalid') this.countInvalid();
    if (r === 'changed') this.queueUpdate();
  }

  /**
   * Applies one message (live or from the cache). Returns whether it changed anything; live
   * messages that were accepted are written to the cache.
   */
  accept(topic: string, payload: Buffer, live: boolean): 'changed' | 'same' | 'ignored' | 'invalid' {
    const r = this.apply(topic, payload, live);
    if (r === 'changed') this.dataVersion++;
    // An unchanged message is still written when the cache lacks it (after clear-cache).
    if (r === 'same' && live && payload.length > 0 && !this.cache.has(topic)) {
      void this.cache.put(topic, payload).catch(() => undefined);
    }
    return r;
  }

  private apply(topic: string, payload: Buffer, live: boolean): IngestOutcome['result'] {
    const o = ingest(this.data, this.opts.screenId, topic, payload);
    if (o.result === 'invalid') this.opts.log.warn({ topic, error: o.error }, 'invalid message dropped');
    if (live) {
      for (const op of o.cacheOps) {
        void (op.op === 'put' ? this.cache.put(op.key, op.payload) : this.cache.remove(op.key)).catch(
          (e: Error) => this.opts.log.error({ key: op.key, err: e.message }, 'cache write failed'),
        );
      }
    }
    if (o.configChanged) {
      this.connection?.setSubscriptions(this.subscriptions());
      this.armHealth();
    }
    return o.result;
  }

  /** Re-persists what only lives locally (after clear-cache). */
  repersistLocal(): Promise<void> {
    return repersistPlayable(this.data, this.cache);
  }

  resubscribe(): void {
    this.connection?.setSubscriptions([]);
    this.connection?.setSubscriptions(this.subscriptions());
  }

  queueUpdate(): void {
    if (this.updateQueued || this.closed) return;
    this.updateQueued = true;
    setImmediate(() => {
      this.updateQueued = false;
      this.updateNow();
    });
  }

  /** Recomputes the derived state; notifies listeners when anything visible changed. */
  updateNow(force = false): void {
    const now = this.now();
    const has = (sha: string) => this.content.has(sha);
    if (this.data.campaigns.size || this.data.playable.size)
      this.dataVersion += promotePlayable(this.data, has, this.cache, this.opts.log);
    this.content.want(wantedAssets(this.data, now));
    const view = feedView(this.data, now);
    const playlist = buildPlaylist(this.data, has, now, (sha) => `${this.assetBaseUrl}${sha}`);
    const online = this.connection?.online ?? false;
    const downloads = this.content.progress();
    const prev = this.state;
    const identifyUntil =
      prev.identifyUntil && Date.parse(prev.identifyUntil) > now ? prev.identifyUntil : null;
    const key = stateFingerprint({
      dataVersion: this.dataVersion,
      online,
      liveSeen: this.liveSeen,
      identifyUntil,
      downloads,
      view,
      playlist,
    });
    if (!force && key === this.stateKey) return;
    this.stateKey = key;
    this.state = {
      ...prev,
      config: this.data.config,
      connection:
        online === prev.connection.online && prev.connection.since
          ? prev.connection
          : { online, since: new Date(now).toISOString() },
      feeds: view.feeds,
      feedFreshness: view.freshness,
      playlist,
      downloads,
      identifyUntil,
      source: this.liveSeen ? 'live' : prev.source,
    };
    for (const l of this.listeners) l(this.state);
    const cv = contentVersionOf(this.data, has);
    if (cv !== this.publishedContentVersion && online) void this.publishStatus();
  }

  /** Changes a field of the state directly (commands: reload, identify, display). */
  patchState(patch: Partial<KioskState>): void {
    this.state = { ...this.state, ...patch };
    this.updateNow(true);
  }

  /** The hardware's ambient light reading (validated: it crosses into the UI's state). */
  setAmbient(reading: unknown): void {
    const r = checkAmbient(reading);
    if (!r.ok) {
      this.invalidAmbientReadings++;
      this.opts.log.warn({ error: r.error }, 'invalid ambient light reading dropped');
      return;
    }
    if (!sameAmbient(this.state.ambient, r.value)) this.patchState({ ambient: r.value });
  }

  getState(): KioskState {
    return this.state;
  }

  subscribe(listener: (s: KioskState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispatch(action: BridgeAction): void {
    switch (action.type) {
      case 'play':
        this.plays.recordPlay(action);
        break;
      case 'view':
        this.plays.recordView(action.view);
        break;
      case 'touch':
        this.plays.recordTouch();
        break;
      case 'renderer':
        this.health.renderer = { ...this.health.renderer, state: action.state };
        break;
    }
  }

  setRendererState(r: RendererReport): void {
    this.health.renderer = { state: r.state, restarts: r.restarts };
  }

  private tick(): void {
    const jump = this.health.clock.check();
    if (jump !== 0) this.opts.log.warn({ jumpS: jump }, 'wall clock jumped');
    if (this.data.config) {
      const on = isDisplayOnAt(this.data.config.displayHours, this.now());
      // Display hours switch at their edges (and once at start); a display command in between
      // holds until the next edge.
      if (on !== this.scheduledDisplayOn) {
        this.scheduledDisplayOn = on;
        void this.setDisplay(on).catch((e: Error) =>
          this.opts.log.warn({ err: e.message }, 'display power change failed'),
        );
      }
    }
    this.updateNow();
  }

  async setDisplay(on: boolean): Promise<void> {
    await this.opts.hardware.setDisplayPower(on);
    await this.refreshDisplay();
  }

  async refreshDisplay(): Promise<void> {
    const [on, brightness] = await Promise.all([
      this.opts.hardware.getDisplayPower(),
      this.opts.hardware.getBrightness(),
    ]);
    if (on !== this.state.display.on || brightness !== this.state.display.brightness) {
      this.patchState({ display: { on, brightness } });
    }
  }

  private statusPayload(state: 'online' | 'offline'): Buffer {
    const contentVersion = contentVersionOf(this.data, (sha) => this.content.has(sha));
    return encodePayload(StatusSchema, {
      state,
      at: new Date(this.now()).toISOString(),
      appVersion: this.opts.appVersion,
      contentVersion,
      campaigns: heldCampaignsOf(this.data, (sha) => this.content.has(sha)),
    });
  }

  async publishStatus(): Promise<void> {
    this.publishedContentVersion = contentVersionOf(this.data, (sha) => this.content.has(sha));
    await this.publish(topics.screenStatus(this.opts.screenId), this.statusPayload('online'), 1, true).catch(
      () => undefined,
    );
  }

  async publish(topic: string, payload: Buffer, qos: 0 | 1, retain: boolean): Promise<void> {
    if (!this.connection) throw new Error('not connected');
    await this.connection.publish(topic, payload, { qos, retain });
  }

  private armHealth(): void {
    if (this.closed || !this.connection) return;
    this.health.arm(this.data.config?.healthIntervalS ?? 30);
  }

  collectHealth(): Promise<Health> {
    return this.health.collect();
  }

  reportHealth(): Promise<void> {
    return this.health.report();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.health.stop();
    await this.plays.close().catch(() => undefined);
    await this.connection?.close({
      topic: topics.screenStatus(this.opts.screenId),
      payload: this.statusPayload('offline'),
    });
    await this.content.close();
    await this.cache.idle();
    this.listeners.clear();
  }
}

function encodeResult(r: CommandResult): Buffer {
  return encodePayload(CommandResultSchema, r);
}
