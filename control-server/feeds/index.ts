import type { Registry } from 'prom-client';
import type { Bus } from '../bus.ts';
import type { Logger } from '../log.ts';
import { loadFeedsConfig } from './config.ts';
import { feedMetrics } from './metrics.ts';
import { inProcessParser, workerParser } from './parser.ts';
import { FeedSource, type SourceHealth } from './source.ts';

export type { SourceHealth } from './source.ts';
export { loadFeedsConfig, type FeedsConfig, type SourceConfig } from './config.ts';

export interface StartFeedsOptions {
  /** content/feeds.json (file inputs are relative to its directory). */
  configFile: string;
  bus: Bus;
  log: Logger;
  /** Prometheus registry for the feed metrics (the server's, control-server/metrics.ts). */
  registry: Registry;
  /** Clock; tests and the benchmark move it by hand. */
  now?: () => Date;
  /**
   * Poll every source once before resolving (default true), so retained snapshots exist at once;
   * waits at most `initialWaitMs` (default 5000) for slow remote sources, which then finish in the background.
   */
  initialPoll?: boolean;
  initialWaitMs?: number;
  /** Parse on a worker thread (default true) so that a large document cannot stall the server. */
  parseInWorker?: boolean;
  /** A parse that takes longer fails and restarts the worker (default 60 s). */
  parseTimeoutMs?: number;
}

export interface Feeds {
  health(): SourceHealth[];
  /** Polls one source (or all) now. Unknown id: false. */
  refresh(sourceId?: string): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Starts every enabled source of the feeds configuration. Each polls on its own interval, publishes
 * changed snapshots retained with QoS 1 under v1/feeds/{kind}/{id}, and keeps the last good one
 * published when it fails.
 */
export async function startFeeds(opts: StartFeedsOptions): Promise<Feeds> {
  const { config, baseDir } = await loadFeedsConfig(opts.configFile);
  const log = opts.log.child({ module: 'feeds' });
  const parser =
    opts.parseInWorker === false ? inProcessParser() : workerParser({ log, timeoutMs: opts.parseTimeoutMs });
  const deps = {
    parser,
    owners: new Map<string, { id: string; rank: number }>(),
    bus: opts.bus,
    log,
    metrics: feedMetrics(opts.registry),
    baseDir,
    now: opts.now ?? (() => new Date()),
  };
  const sources = config.sources.filter((s) => s.enabled).map((s, rank) => new FeedSource(s, deps, rank));
  if (opts.initialPoll !== false) {
    const first = Promise.all(sources.map((s) => s.pollNow()));
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, opts.initialWaitMs ?? 5000);
    });
    await Promise.race([first, cap]);
    clearTimeout(timer);
  }
  for (const s of sources) s.start(opts.initialPoll !== false);
  log.info(
    { sources: sources.length, disabled: config.sources.length - sources.length, file: opts.configFile },
    'feeds started',
  );
  return {
    health: () =>
      sources.map((s) => ({ ...s.health, warnings: [...s.health.warnings], feeds: [...s.health.feeds] })),
    async refresh(sourceId) {
      const targets = sourceId ? sources.filter((s) => s.config.id === sourceId) : sources;
      if (targets.length === 0) return false;
      await Promise.all(targets.map((s) => s.pollNow()));
      return true;
    },
    async stop() {
      await Promise.all(sources.map((s) => s.stop()));
      await parser.close();
      log.info('feeds stopped');
    },
  };
}
