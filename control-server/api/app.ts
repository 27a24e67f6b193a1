import express, { type Express } from 'express';
import { CommandResults } from '../fleet/commands.ts';
import { registry as defaultRegistry } from '../metrics.ts';
import { auditAs, auditMiddleware } from './audit.ts';
import { authenticate, principalOf, requireRole, Sessions, sessionRouter } from './auth.ts';
import { type ApiContext, type ApiDeps, type ApiLimits, DEFAULT_LIMITS } from './deps.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { feedsSummary } from './healthz.ts';
import { openApiDocument, type RouteConfig } from './openapi.ts';
import { campaignsRouter } from './routes-campaigns.ts';
import { commandsRouter } from './routes-commands.ts';
import { contentRouter } from './routes-content.ts';
import { groupsRouter } from './routes-groups.ts';
import { screensRouter } from './routes-screens.ts';
import { SCREEN_BATCH_PATH, screensBatchRouter } from './routes-screens-batch.ts';

export type { ApiContext, ApiDeps } from './deps.ts';
export {
  clearCampaign,
  publishCampaign,
  publishScreenConfig,
  republishAll,
  screenConfigOf,
} from './publish.ts';

/** The app plus the bits a server composition may need. */
export interface Api extends Express {
  /** Logged-in sessions (revoke a user's sessions after a password change). */
  sessions: Sessions;
  context: ApiContext;
  /** Stores screens' command results as they arrive; emits 'result' (for the dashboard's live stream). */
  commandResults: CommandResults;
  /** Resolves once the API listens to v1/screens/+/cmd/result; rejects if that subscription failed. */
  ready: Promise<void>;
  /** Stops listening to the bus (the HTTP server is closed by its owner). */
  close(): void;
}

/**
 * The control server's HTTP API (express 5): DESIGN.md's REST table, /healthz, /metrics, the
 * OpenAPI document and content up/downloads. JSON in and out; every error is {error, issues?}.
 */
export function createApi(deps: ApiDeps): Api {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const sessions = new Sessions(limits.sessionTtlMs);
  const documented: RouteConfig[] = [];
  let openapi: { routes: number; doc: Record<string, unknown> } | null = null;
  const auth = authenticate(sessions, deps.store);
  const ctx: ApiContext = {
    authenticate: auth,
    requireRole,
    auditAs,
    principalOf,
    revokeSessions: (username) => sessions.revokeUser(username),
    documentRoute: (route) => documented.push(route),
  };
  const metrics = deps.metrics ?? defaultRegistry;

  const app = express() as unknown as Api;
  app.sessions = sessions;
  app.context = ctx;
  // The API owns commands end to end: it sends them and it stores their results.
  app.commandResults = new CommandResults({ bus: deps.bus, store: deps.store, log: deps.log });
  app.ready = app.commandResults.start();
  app.ready.catch((err: unknown) => deps.log.error({ err }, 'cannot subscribe to command results'));
  app.close = () => app.commandResults.stop();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);

  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  // Not audited: machine hooks, and the mobile companion's anonymous view counter (a durable audit
  // write per anonymous view would let anyone make the server write its database at will).
  app.use(auditMiddleware(deps.store, deps.log, ['/api/v1/broker/', '/m/hit/']));
  // Broker hooks (EMQX/VerneMQ) carry whole MQTT payloads and bring their own parser and limit.
  const json = express.json({ limit: limits.jsonBodyBytes });
  // So does the screen batch (a larger limit, parsed only after an admin authenticated).
  app.use((req, res, next) =>
    req.path.startsWith('/api/v1/broker/') || req.path === SCREEN_BATCH_PATH ? next() : json(req, res, next),
  );

  // Public, for load balancers: up or not, and counts only. Each source's error text (which can name
  // hosts, paths and credentials in URLs) is for staff: GET /api/v1/feeds/health.
  app.get('/healthz', (_req, res) => {
    const ready = deps.ready ? deps.ready() : true;
    const feeds = feedsSummary(deps.feeds);
    res.status(ready ? 200 : 503).json({ ok: ready, ...(feeds ? { feeds } : {}) });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.contentType);
    res.send(await metrics.metrics());
  });
  app.get('/api/v1/openapi.json', (_req, res) => {
    // Built on first request (after every module mounted and documented its routes), then cached.
    if (!openapi || openapi.routes !== documented.length) {
      openapi = { routes: documented.length, doc: openApiDocument(documented) };
    }
    res.json(openapi.doc);
  });

  app.use(sessionRouter({ sessions, store: deps.store, limits, log: deps.log, auth }));
  app.use(screensBatchRouter(deps, ctx, limits));
  app.use(screensRouter(deps, ctx));
  app.use(commandsRouter(deps, ctx));
  app.use(campaignsRouter(deps, ctx));
  app.use(contentRouter(deps, ctx, limits));
  app.use(groupsRouter(deps, ctx));
  deps.extend?.(app, ctx);

  app.use(notFoundHandler());
  app.use(errorHandler(deps.log));
  return app;
}
