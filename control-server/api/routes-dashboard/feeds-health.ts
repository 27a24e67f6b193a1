import express, { type Router } from 'express';
import { freshnessOf } from '../../../protocol/index.ts';
import type { ApiContext, FeedsHealthProvider } from '../deps.ts';
import type { FeedSeen, FleetView } from './fleet-view.ts';

export interface FeedHealth extends FeedSeen {
  state: 'fresh' | 'stale' | 'expired';
  ageS: number;
}

/** Each feed's freshness as the screens see it (the retained snapshot on the bus), by protocol/freshness.ts. */
export function feedHealth(feeds: Iterable<FeedSeen>, now: number): FeedHealth[] {
  return [...feeds]
    .map((f) => ({ ...f, ...freshnessOf(f, now) }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

/** GET /api/v1/feeds/health: every feed on the bus with its freshness, and the poller's own status. */
export function feedsHealthRouter(
  fleet: FleetView,
  ctx: ApiContext,
  poller: FeedsHealthProvider | null,
): Router {
  const r = express.Router();
  r.get(
    '/api/v1/feeds/health',
    ctx.authenticate(),
    ctx.requireRole('admin', 'operator', 'technician'),
    (_req, res) => {
      let status: Record<string, unknown> | null = null;
      try {
        status = poller?.status() ?? null;
      } catch {
        status = null;
      }
      res.json({ feeds: feedHealth(fleet.feeds.values(), Date.now()), poller: status });
    },
  );
  return r;
}
