import type { Healthz } from '../../protocol/index.ts';
import type { FeedsHealthProvider } from './deps.ts';

/**
 * What GET /healthz tells anyone about the feed poller: how many sources, how many succeeded last
 * time (ok), failed last time (failing: consecutiveFailures > 0), or have not polled yet (waiting).
 */
export type FeedsSummary = NonNullable<Healthz['feeds']>;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

/**
 * Counts of the poller's sources (control-server/feeds SourceHealth), without their ids, URLs or
 * error texts. null without a poller; a poller whose status throws counts as zero sources.
 */
export function feedsSummary(poller: FeedsHealthProvider | null | undefined): FeedsSummary | null {
  if (!poller) return null;
  let status: Record<string, unknown>;
  try {
    status = poller.status();
  } catch {
    status = {};
  }
  const list = Array.isArray(status.sources) ? status.sources.filter(isRecord) : [];
  const out: FeedsSummary = { sources: list.length, ok: 0, failing: 0, waiting: 0 };
  for (const s of list) {
    const failures = typeof s.consecutiveFailures === 'number' ? s.consecutiveFailures : 0;
    if (failures > 0) out.failing++;
    else if (s.lastSuccessAt) out.ok++;
    else out.waiting++;
  }
  return out;
}
