import type { Bus } from '../bus.ts';
import type { Logger } from '../log.ts';
import { type FeedSnapshot, snapshotId, topics } from '../../protocol/index.ts';
import { adapterFor } from './adapters/index.ts';
import type { SourceConfig } from './config.ts';
import { FetchError, type InputState, fetchInput } from './fetcher.ts';
import { type Parser, inProcessParser } from './parser.ts';
import type { FeedMetrics } from './metrics.ts';
import { type AdapterInputs, type AnyAdapter, FeedParseError } from './types.ts';
import { contentHash, getOrInit, isoOfDate } from './util.ts';

/** One source's health, as GET /api/v1/feeds and the dashboard show it. */
export interface SourceHealth {
  id: string;
  kind: SourceConfig['kind'];
  format: string;
  demo: boolean;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  /** Departures, sites or events in the last good parse. */
  itemCount: number;
  /** Topics this source feeds. */
  feeds: string[];
  publishes: number;
  unchangedSkips: number;
  lastPublishAt: string | null;
  /** Warnings of the last good parse (records dropped or repaired), at most five. */
  warnings: string[];
  nextPollAt: string | null;
}

export interface SourceDeps {
  bus: Bus;
  log: Logger;
  metrics: FeedMetrics;
  baseDir: string;
  now: () => Date;
  random?: () => number;
  /**
   * topic -> the source that publishes it, shared by all sources, so that two sources configured for the
   * same stop or site do not overwrite each other: the one listed first in the configuration wins.
   */
  owners?: Map<string, { id: string; rank: number }>;
  /** Where adapters run (default: in-process). */
  parser?: Parser;
}

const inProcess = inProcessParser();

function itemsOf(s: FeedSnapshot): number {
  switch (s.kind) {
    case 'transport':
      return s.departures.length;
    case 'events':
      return s.events.length;
    default:
      return 1;
  }
}

/** Polls one configured source, publishes changed snapshots, and keeps its health. */
export class FeedSource {
  private readonly adapter: AnyAdapter;
  private readonly states = new Map<string, InputState>();
  /** topic -> hash of the last published content (without fetchedAt). */
  private readonly published = new Map<string, string>();
  private readonly lastGood = new Map<string, FeedSnapshot>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private retryAfterS = 0;
  private readonly conflicts = new Set<string>();
  /** Aborts an in-flight HTTP request on stop(), so that shutdown does not wait for a slow server. */
  private readonly abort = new AbortController();
  readonly health: SourceHealth;

  constructor(
    readonly config: SourceConfig,
    private readonly deps: SourceDeps,
    /** Position in the configuration; a lower rank wins a contested topic. */
    private readonly rank = 0,
  ) {
    const adapter = adapterFor(config.format);
    if (!adapter) throw new Error(`feed source ${config.id}: unknown format ${config.format}`);
    this.adapter = adapter;
    this.health = {
      id: config.id,
      kind: config.kind,
      format: config.format,
      demo: config.demo,
      lastSuccessAt: null,
      lastErrorAt: null,
      lastError: null,
      consecutiveFailures: 0,
      itemCount: 0,
      feeds: [],
      publishes: 0,
      unchangedSkips: 0,
      lastPublishAt: null,
      warnings: [],
      nextPollAt: null,
    };
  }

  /** Starts the schedule; `polled` says a first poll already ran, so the next one waits an interval. */
  start(polled = false): void {
    this.stopped = false;
    this.schedule(polled ? this.nextDelayS() : 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running;
  }

  /** Polls now (outside the schedule); resolves when the poll and its publishes are done. */
  async pollNow(): Promise<void> {
    if (this.running) await this.running;
    this.running = this.poll().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  /** Delay before the next poll: the interval, or after failures an exponential back-off with jitter. */
  nextDelayS(): number {
    const { intervalS, maxBackoffS } = this.config;
    const n = this.health.consecutiveFailures;
    if (n === 0) return intervalS;
    const base = Math.min(maxBackoffS, intervalS * 2 ** Math.min(n - 1, 20));
    const jitter = 0.75 + 0.5 * (this.deps.random ?? Math.random)();
    return Math.max(this.retryAfterS, Math.min(maxBackoffS, base * jitter));
  }

  private schedule(delayS: number): void {
    if (this.stopped) return;
    this.health.nextPollAt = isoOfDate(new Date(this.deps.now().getTime() + delayS * 1000));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pollNow()
        .catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e)), this.deps.now()))
        .finally(() => this.schedule(this.nextDelayS()));
    }, delayS * 1000);
  }

  private async fetchAll(now: Date): Promise<AdapterInputs> {
    const roles: [string, SourceConfig['input']][] = [['main', this.config.input]];
    for (const [role, input] of Object.entries(this.config.inputs)) if (input) roles.push([role, input]);
    const out: Record<string, Uint8Array> = {};
    for (const [role, input] of roles) {
      const state = getOrInit(this.states, role, (): InputState => ({}));
      const due =
        !state.bytes || !input.refreshS || now.getTime() - (state.fetchedAt ?? 0) >= input.refreshS * 1000;
      if (!due && state.bytes) {
        out[role] = state.bytes;
        continue;
      }
      const maxBytes =
        role === 'main' ? this.adapter.maxBytes : Math.max(this.adapter.maxBytes, 50 * 1024 * 1024);
      const r = await fetchInput(input, state, {
        baseDir: this.deps.baseDir,
        maxBytes,
        now: now.getTime(),
        what: `${this.config.id} (${role})`,
        signal: this.abort.signal,
      });
      out[role] = r.bytes;
    }
    return out as AdapterInputs;
  }

  private async poll(): Promise<void> {
    const { log, metrics } = this.deps;
    const id = this.config.id;
    const now = this.deps.now();
    let snapshots: FeedSnapshot[];
    let warnings: string[];
    try {
      const inputs = await this.fetchAll(now);
      const t0 = performance.now();
      const from = now;
      const window = this.config.windowDays
        ? { from, to: new Date(from.getTime() + this.config.windowDays * 86_400_000) }
        : undefined;
      const result = await (this.deps.parser ?? inProcess).parse(this.config.format, inputs, {
        source: id,
        fetchedAt: now,
        ttlS: this.config.ttlS,
        demo: this.config.demo,
        lang: this.config.lang,
        window,
        options: this.config.options,
      });
      metrics.parseSeconds.observe({ format: this.config.format }, (performance.now() - t0) / 1000);
      snapshots = result.snapshots;
      warnings = result.warnings;
      if (snapshots.length === 0)
        throw new FeedParseError('the document holds no snapshot (nothing to publish)');
      if (snapshots.some((s) => s.kind !== this.config.kind))
        throw new FeedParseError(`format yields a kind other than ${this.config.kind}`);
    } catch (e) {
      this.fail(e as Error, now);
      return;
    }
    this.retryAfterS = 0;
    this.health.consecutiveFailures = 0;
    this.health.lastSuccessAt = isoOfDate(now);
    this.health.itemCount = snapshots.reduce((n, s) => n + itemsOf(s), 0);
    this.health.warnings = warnings.slice(0, 5);
    metrics.polls.inc({ source: id, outcome: 'ok' });
    metrics.failures.set({ source: id }, 0);
    metrics.items.set({ source: id }, this.health.itemCount);
    metrics.lastSuccess.set({ source: id }, Math.floor(now.getTime() / 1000));
    if (warnings.length > 0) {
      metrics.warnings.inc({ source: id }, warnings.length);
      log.debug(
        { source: id, warnings: warnings.slice(0, 10), count: warnings.length },
        'feed parse warnings',
      );
    }
    await this.publishAll(snapshots, now);
  }

  private fail(e: Error, now: Date): void {
    if (this.stopped) return; // aborted by stop(): not a failure of the source
    const id = this.config.id;
    this.health.consecutiveFailures++;
    this.health.lastError = e.message.split('\n')[0]!.slice(0, 500);
    this.health.lastErrorAt = isoOfDate(now);
    this.retryAfterS = e instanceof FetchError ? (e.retryAfterS ?? 0) : 0;
    this.deps.metrics.polls.inc({ source: id, outcome: 'error' });
    this.deps.metrics.failures.set({ source: id }, this.health.consecutiveFailures);
    const expected = e instanceof FetchError || e instanceof FeedParseError;
    this.deps.log[expected ? 'warn' : 'error'](
      { source: id, failures: this.health.consecutiveFailures, err: expected ? e.message : e },
      'feed poll failed; the last good snapshot stays published',
    );
  }

  private withTrend(s: FeedSnapshot, topic: string): FeedSnapshot {
    // A parking source without its own trend gets one from the previous observation.
    if (s.kind !== 'parking' || s.trend !== 'unknown') return s;
    const prev = this.lastGood.get(topic);
    if (prev?.kind !== 'parking') return s;
    if (prev.observedAt === s.observedAt) return { ...s, trend: prev.trend };
    const d = prev.free - s.free;
    const trend = Math.abs(d) <= Math.max(1, s.total * 0.01) ? 'steady' : d > 0 ? 'rising' : 'falling';
    return { ...s, trend };
  }

  private async publishAll(snapshots: FeedSnapshot[], now: Date): Promise<void> {
    const { bus, log, metrics } = this.deps;
    const feeds: string[] = [];
    for (const raw of snapshots) {
      const topic = topics.feed(raw.kind, snapshotId(raw));
      const owner = this.deps.owners?.get(topic);
      if (owner && owner.id !== this.config.id) {
        if (!this.conflicts.has(topic)) {
          this.conflicts.add(topic);
          log.warn(
            { source: this.config.id, topic, owner: owner.id },
            'two feed sources produce the same topic',
          );
        }
        if (owner.rank < this.rank) {
          const msg = `${topic} is published by source ${owner.id}; skipped here`;
          this.health.warnings = [msg, ...this.health.warnings].slice(0, 5);
          continue;
        }
      }
      this.deps.owners?.set(topic, { id: this.config.id, rank: this.rank });
      const snap = this.withTrend(raw, topic);
      feeds.push(topic);
      const hash = contentHash(snap);
      if (this.published.get(topic) === hash) {
        this.health.unchangedSkips++;
        metrics.unchanged.inc({ source: this.config.id });
        continue;
      }
      try {
        await bus.publish(topic, JSON.stringify(snap), { retain: true, qos: 1 });
        this.published.set(topic, hash);
        this.lastGood.set(topic, snap);
        this.health.publishes++;
        this.health.lastPublishAt = isoOfDate(now);
        metrics.publishes.inc({ source: this.config.id });
      } catch (e) {
        // Not recorded as published, so the next poll tries again.
        this.health.lastError = `publish ${topic}: ${(e as Error).message}`;
        this.health.lastErrorAt = isoOfDate(now);
        log.warn({ source: this.config.id, topic, err: (e as Error).message }, 'feed publish failed');
      }
    }
    this.health.feeds = feeds;
  }
}
