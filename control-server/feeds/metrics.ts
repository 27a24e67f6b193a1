import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The feed metrics, registered on the server's registry (or any registry a test passes in). */
export interface FeedMetrics {
  polls: Counter<'source' | 'outcome'>;
  publishes: Counter<'source'>;
  unchanged: Counter<'source'>;
  warnings: Counter<'source'>;
  failures: Gauge<'source'>;
  items: Gauge<'source'>;
  lastSuccess: Gauge<'source'>;
  parseSeconds: Histogram<'format'>;
}

function get<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function feedMetrics(registry: Registry): FeedMetrics {
  const registers = [registry];
  return {
    polls: get(
      registry,
      'stander_feed_polls_total',
      () =>
        new Counter({
          name: 'stander_feed_polls_total',
          help: 'Feed polls by source and outcome (ok, error)',
          labelNames: ['source', 'outcome'],
          registers,
        }),
    ),
    publishes: get(
      registry,
      'stander_feed_publishes_total',
      () =>
        new Counter({
          name: 'stander_feed_publishes_total',
          help: 'Feed snapshots published (content changed)',
          labelNames: ['source'],
          registers,
        }),
    ),
    unchanged: get(
      registry,
      'stander_feed_publishes_skipped_total',
      () =>
        new Counter({
          name: 'stander_feed_publishes_skipped_total',
          help: 'Feed snapshots not published because their content was unchanged',
          labelNames: ['source'],
          registers,
        }),
    ),
    warnings: get(
      registry,
      'stander_feed_parse_warnings_total',
      () =>
        new Counter({
          name: 'stander_feed_parse_warnings_total',
          help: 'Records dropped or repaired while parsing feeds',
          labelNames: ['source'],
          registers,
        }),
    ),
    failures: get(
      registry,
      'stander_feed_consecutive_failures',
      () =>
        new Gauge({
          name: 'stander_feed_consecutive_failures',
          help: 'Consecutive failed polls of a feed source',
          labelNames: ['source'],
          registers,
        }),
    ),
    items: get(
      registry,
      'stander_feed_items',
      () =>
        new Gauge({
          name: 'stander_feed_items',
          help: 'Items (departures, sites, events) in the last good parse of a source',
          labelNames: ['source'],
          registers,
        }),
    ),
    lastSuccess: get(
      registry,
      'stander_feed_last_success_timestamp_seconds',
      () =>
        new Gauge({
          name: 'stander_feed_last_success_timestamp_seconds',
          help: 'Unix time of the last successful poll of a source',
          labelNames: ['source'],
          registers,
        }),
    ),
    parseSeconds: get(
      registry,
      'stander_feed_parse_seconds',
      () =>
        new Histogram({
          name: 'stander_feed_parse_seconds',
          help: 'Time to parse one feed document',
          labelNames: ['format'],
          buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
          registers,
        }),
    ),
  };
}
