import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import express, { type Express } from 'express';
import { createApi } from './api/app.ts';
import type { ApiContext } from './api/deps.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded.ts';
import { connectExternalBroker, type ExternalBus } from './broker/external.ts';
import { createBrokerHooksRouter } from './broker/http-hooks.ts';
import { mosquittoPasswordHash } from './broker/mosquitto-files.ts';
import { MosquittoSync } from './broker/mosquitto-sync.ts';
import { CredentialWatcher } from './broker/revocation.ts';
import type { Bus } from './bus.ts';
import type { ServerSettings } from './config.ts';
import { FleetHealth } from './fleet/health.ts';
import { Presence } from './fleet/presence.ts';
import { PresenceSnapshots } from './fleet/presence-file.ts';
import { WithdrawalReconciler } from './fleet/withdrawals.ts';
import { createLogger, type Logger } from './log.ts';
import { type AdminBootstrap, ensureAdmin } from './store/bootstrap.ts';
import { openStore, type Store } from './store/index.ts';
import { republishAll } from './api/publish.ts';
import { startFeeds } from './feeds/index.ts';
import { registry } from './metrics.ts';
import { createDashboard, type Dashboard } from './api/routes-dashboard/index.ts';
import { staticRouter } from './api/static.ts';

/**
 * The control server, composed: store, broker (embedded aedes, or a client of an external broker),
 * presence and health, the REST API with the dashboard's routes, the feed poller, one HTTP(S) server
 * (REST, dashboard, content, MQTT over WebSocket at /mqtt). Works with port 0 for tests.
 */

/** The feed poller (helper C's control-server/feeds): started after the broker, stopped first. */
export interface FeedsHandle {
  status(): Record<string, unknown>;
  close(): Promise<void>;
}
export type StartFeeds = (ctx: {
  bus: Bus;
  store: Store;
  log: Logger;
  feedsConfig: string;
}) => Promise<FeedsHandle>;

/** The default poller: every enabled source of the feeds configuration file (content/feeds.json). */
export const startConfiguredFeeds: StartFeeds = async ({ bus, log, feedsConfig }) => {
  const feeds = await startFeeds({ configFile: feedsConfig, bus, log, registry });
  return { status: () => ({ sources: feeds.health() }), close: () => feeds.stop() };
};

export interface StartServerOptions extends Partial<Omit<ServerSettings, 'dataDir'>> {
  dataDir: string;
  log?: Logger;
  /** Run the feed poller: true = the sources of `feedsConfig` (startConfiguredFeeds); default off. */
  feeds?: boolean | StartFeeds;
  /** More routes (the dashboard's), mounted after the API's own. */
  extendApi?: (
    app: Express,
    ctx: ApiContext,
    server: { bus: Bus; store: Store; presence: Presence; health: FleetHealth; log: Logger },
  ) => void;
  /** Public base URL of the mobile companion, put into every screen config. */
  mobileBaseUrl?: string;
  /** The external-mode Mosquitto file sync interval (ms). */
  mosquittoSyncMs?: number;
}

export interface StanderServer {
  httpUrl: string;
  /** mqtt://host:port of the embedded broker, or the external broker's URL. */
  mqttUrl: string;
  /** ws(s)://host:port/mqtt (embedded mode only; null with an external broker). */
  wsUrl: string | null;
  mqttsUrl: string | null;
  httpPort: number;
  /** The embedded broker's TCP port; null in external mode. */
  mqttPort: number | null;
  mode: 'embedded' | 'external';
  bus: Bus;
  store: Store;
  presence: Presence;
  health: FleetHealth;
  embedded: EmbeddedBroker | null;
  /** The dashboard's server side (helper G): live fleet view, alerts, plays, SSE hub. */
  dashboard: Dashboard;
  admin: AdminBootstrap;
  log: Logger;
  close(): Promise<void>;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(opts: StartServerOptions): Promise<StanderServer> {
  const log = opts.log ?? createLogger('stander-server');
  const host = opts.host ?? '0.0.0.0';
  const serverUsername = opts.brokerUsername ?? 'stander-server';
  const external = Boolean(opts.brokerUrl);
  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        log.error({ err }, 'error while shutting down');
      }
    }
  };

  try {
    // Every screen record keeps a Mosquitto-format hash of its token besides its own one, so that
    // switching to an external Mosquitto later needs no token rotation (tokens are 256-bit random).
    const store = await openStore(opts.dataDir, log, { mosquittoHash: (t) => mosquittoPasswordHash(t) });
    cleanups.push(() => store.close());
    const admin = await ensureAdmin(store, opts.adminPassword ?? null);

    // ---- broker -----------------------------------------------------------------------------
    let bus: Bus;
    let embedded: EmbeddedBroker | null = null;
    let externalBus: ExternalBus | null = null;
    if (external && opts.brokerUrl) {
      if (opts.mosquitto) {
        if (!opts.brokerPassword)
          throw new Error('STANDER_BROKER_PASSWORD is needed to write the Mosquitto files');
        const sync = new MosquittoSync({
          source: store,
          dir: opts.mosquitto.dir,
          serverUsername,
          serverPassword: opts.brokerPassword,
          pidFile: opts.mosquitto.pidFile,
          reloadCommand: opts.mosquitto.reloadCommand,
          log,
          intervalMs: opts.mosquittoSyncMs ?? 1000,
        });
        await sync.sync(true); // the server's own user must be in the files before it connects
        sync.start();
        cleanups.push(() => sync.stop());
      }
      externalBus = await connectExternalBroker({
        url: opts.brokerUrl,
        username: serverUsername,
        password: opts.brokerPassword ?? null,
        log,
      });
      cleanups.push(() => externalBus?.close());
      bus = externalBus;
    } else {
      const tls = opts.tls
        ? {
            cert: await readFile(opts.tls.certFile),
            key: await readFile(opts.tls.keyFile),
            port: opts.mqttsPort ?? 8883,
          }
        : null;
      embedded = await startEmbeddedBroker({
        authenticateScreen: (id, token) => store.verifyScreenToken(id, token),
        log,
        host,
        mqttPort: opts.mqttPort ?? 1883,
        tls,
        keepaliveLimitS: opts.keepaliveLimitS ?? 0,
        serverUsername,
      });
      cleanups.push(() => embedded?.close());
      bus = embedded.bus;
      const broker = embedded;
      const watcher = new CredentialWatcher(store, (id) => broker.disconnectScreen(id), log);
      watcher.start();
      cleanups.push(() => watcher.stop());
    }

    // ---- fleet --------------------------------------------------------------------------------
    const presence = new Presence({ bus, log });
    const snapshots = new PresenceSnapshots(path.join(store.dataDir, 'presence.json'), presence, log);
    await snapshots.load();
    if (embedded) {
      embedded.events.on('screenConnected', (id) => presence.connected(id));
      embedded.events.on('screenDisconnected', (id) => presence.disconnected(id));
    }
    await presence.start();
    snapshots.start();
    cleanups.push(async () => {
      presence.stop();
      await snapshots.stop();
    });
    const health = new FleetHealth({ bus, log, history: store });
    await health.start();
    cleanups.push(() => health.stop());
    // Withdrawals a screen missed (its session was lost with a restart): re-published on its report.
    const withdrawals = new WithdrawalReconciler({ bus, store, log });
    await withdrawals.start();
    cleanups.push(() => withdrawals.stop());

    let feeds: FeedsHandle | null = null;
    // ---- dashboard (helper G): subscribed before the feeds start: the embedded bus does not replay
    // retained messages to in-process subscribers ------------------------------------------------
    let api: ReturnType<typeof createApi> | null = null;
    const dashboard = createDashboard({
      store,
      bus,
      log,
      dataDir: store.dataDir,
      // The poller starts after the dashboard (so the dashboard sees its first, retained publishes).
      feeds: { status: () => feeds?.status() ?? {} },
      revokeUser: (username) => api?.sessions.revokeUser(username),
    });
    await dashboard.start();
    cleanups.push(() => dashboard.stop());

    // ---- feeds (helper C): started with the bus, stopped before the broker ----------------------
    if (opts.feeds) {
      const start = opts.feeds === true ? startConfiguredFeeds : opts.feeds;
      feeds = await start({
        bus,
        store,
        log,
        feedsConfig: opts.feedsConfig ?? 'content/feeds.json',
      });
      cleanups.push(() => feeds?.close());
    }

    // ---- HTTP ---------------------------------------------------------------------------------
    let ready = false;
    const app = createApi({
      delivery: dashboard.delivery,
      store,
      bus,
      log,
      presence,
      health,
      feeds,
      ...(opts.mobileBaseUrl ? { mobileBaseUrl: opts.mobileBaseUrl } : {}),
      ready: () => ready && (externalBus ? externalBus.connected() : !embedded?.aedes.closed),
      extend: (a, ctx) => {
        opts.extendApi?.(a, ctx, { bus, store, presence, health, log });
        dashboard.extend(a, ctx);
        a.use(staticRouter());
      },
    });
    api = app;
    cleanups.push(() => app.close());
    await app.ready;
    // The broker hooks sit in front of the API: their own JSON parser and limits (a VerneMQ
    // auth_on_publish carries a whole base64 payload), no sessions, no audit entry per call.
    const root = express();
    root.disable('x-powered-by');
    if (external) {
      root.use(
        '/api/v1/broker',
        createBrokerHooksRouter({
          authenticateScreen: (id, token) => store.verifyScreenToken(id, token),
          serverUsername,
          serverPassword: opts.brokerPassword ?? null,
          hookSecret: opts.brokerHookSecret ?? null,
          log,
        }),
      );
    }
    root.use(app);
    const httpServer = opts.tls
      ? https.createServer(
          { cert: await readFile(opts.tls.certFile), key: await readFile(opts.tls.keyFile) },
          root,
        )
      : http.createServer(root);
    const sockets = new Set<Socket>();
    httpServer.on('connection', (s) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
    if (embedded) embedded.attachWebSocket(httpServer, '/mqtt');
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(opts.httpPort ?? 8080, host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections();
          setTimeout(() => {
            for (const s of sockets) s.destroy();
          }, 2000).unref();
        }),
    );
    const httpPort = (httpServer.address() as AddressInfo).port;

    // ---- retained state: every campaign and screen config, published again ------------------------
    const republish = () =>
      republishAll(store, bus, { log, ...(opts.mobileBaseUrl ? { mobileBaseUrl: opts.mobileBaseUrl } : {}) });
    await republish();
    if (externalBus) {
      // An external broker that restarted may have lost its retained store: fill it again on every
      // reconnect (idempotent: same payloads, same versions).
      const client = externalBus.client;
      const onReconnect = () => {
        republish().catch((err) => log.error({ err }, 'republish after reconnect failed'));
      };
      client.on('connect', onReconnect);
      cleanups.push(() => {
        client.off('connect', onReconnect);
      });
    }
    ready = true;

    const h = displayHost(host);
    const scheme = opts.tls ? 'https' : 'http';
    const server: StanderServer = {
      httpUrl: `${scheme}://${h}:${httpPort}`,
      mqttUrl: embedded ? `mqtt://${h}:${embedded.mqttPort}` : (opts.brokerUrl ?? ''),
      wsUrl: embedded ? `${opts.tls ? 'wss' : 'ws'}://${h}:${httpPort}/mqtt` : null,
      mqttsUrl: embedded?.mqttsPort ? `mqtts://${h}:${embedded.mqttsPort}` : null,
      httpPort,
      mqttPort: embedded?.mqttPort ?? null,
      mode: embedded ? 'embedded' : 'external',
      bus,
      store,
      presence,
      health,
      embedded,
      dashboard,
      admin,
      log,
      close: async () => {
        ready = false;
        await closeAll();
      },
    };
    log.info(
      { httpUrl: server.httpUrl, mqttUrl: server.mqttUrl, mode: server.mode },
      'control server started',
    );
    return server;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
