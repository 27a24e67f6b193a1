import path from 'node:path';
import type { Express } from 'express';
import type { Bus } from '../../bus.ts';
import { AlertEngine, type AlertThresholds } from '../../fleet/alerts.ts';
import { PlaysStore } from '../../fleet/plays.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../../store/index.ts';
import type { ApiContext, DeliveryView, FeedsHealthProvider } from '../deps.ts';
import { alertsRouter } from './alerts-routes.ts';
import { feedsHealthRouter } from './feeds-health.ts';
import { auditRouter } from './audit-search.ts';
import { documentDashboardRoutes } from './docs.ts';
import { FleetView } from './fleet-view.ts';
import { LiveHub } from './hub.ts';
import { playsRouter } from './plays-routes.ts';
import { ScreenshotStore } from './screenshots.ts';
import { screensExtraRouter } from './screens-extra.ts';
import { type StreamOptions, streamRouter } from './stream.ts';
import { usersRouter } from './users.ts';

export type { LiveEvent } from './hub.ts';
export type { Delivery } from './fleet-view.ts';

export interface DashboardOptions {
  store: Store;
  bus: Bus;
  log: Logger;
  /** The server's data dir: alerts.json, plays.json and screenshots/ live here. */
  dataDir: string;
  thresholds?: Partial<AlertThresholds>;
  evaluateEveryMs?: number;
  stream?: StreamOptions;
  /** Ends a user's sessions when an admin changes or disables the account (from the API's Sessions). */
  revokeUser?: (username: string) => void;
  /** The feed poller's own status (helper C), shown beside what the bus carries. */
  feeds?: FeedsHealthProvider | null;
}

export interface Dashboard {
  readonly hub: LiveHub;
  readonly alerts: AlertEngine;
  readonly plays: PlaysStore;
  readonly fleet: FleetView;
  readonly screenshots: ScreenshotStore;
  /** For ApiDeps.delivery: campaign delivery counts in GET /api/v1/campaigns. */
  readonly delivery: DeliveryView;
  /** Loads persisted state and subscribes to the bus. */
  start(): Promise<void>;
  /** Mounts the dashboard's routes: pass as (or call from) ApiDeps.extend. */
  extend(app: Express, ctx: ApiContext): void;
  stop(): Promise<void>;
}

/**
 * The dashboard's server side: live fleet view from the bus, alerts, proof of play, screenshots,
 * and their routes (users, audit search, alerts, health history, plays + CSV, screenshots,
 * delivery, the SSE stream).
 */
export function createDashboard(o: DashboardOptions): Dashboard {
  const hub = new LiveHub();
  const onError = (what: string) => (err: Error) =>
    o.log.error({ err }, `dashboard: ${what} could not be saved`);
  const alerts = new AlertEngine({
    file: path.join(o.dataDir, 'alerts.json'),
    ...(o.thresholds ? { thresholds: o.thresholds } : {}),
    onError: onError('alerts'),
  });
  const plays = new PlaysStore({ file: path.join(o.dataDir, 'plays.json'), onError: onError('plays') });
  const screenshots = new ScreenshotStore(path.join(o.dataDir, 'screenshots'));
  const fleet = new FleetView({
    bus: o.bus,
    log: o.log,
    hub,
    alerts,
    plays,
    ...(o.evaluateEveryMs ? { evaluateEveryMs: o.evaluateEveryMs } : {}),
  });
  const unsubAlerts = alerts.onEvent((e) => hub.publish({ type: 'alert', change: e.type, alert: e.alert }));
  return {
    hub,
    alerts,
    plays,
    fleet,
    screenshots,
    delivery: {
      deliveryOf(campaignId) {
        const d = fleet.delivery(campaignId);
        return d ? { targeted: d.targeted, have: d.have } : null;
      },
    },
    async start() {
      await alerts.load();
      await plays.load();
      await fleet.start();
    },
    extend(app, ctx) {
      documentDashboardRoutes(ctx);
      app.use(streamRouter(hub, ctx, o.stream));
      app.use(alertsRouter(alerts, ctx));
      app.use(playsRouter(plays, ctx));
      app.use(usersRouter(o.store, ctx, o.revokeUser ?? ((u) => ctx.revokeSessions(u))));
      app.use(auditRouter(o.store, ctx));
      app.use(screensExtraRouter({ store: o.store, fleet, screenshots, ctx }));
      app.use(feedsHealthRouter(fleet, ctx, o.feeds ?? null));
    },
    async stop() {
      fleet.stop();
      unsubAlerts();
      await alerts.flush();
      await plays.flush();
    },
  };
}
