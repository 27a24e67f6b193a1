import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import rateLimit from 'express-rate-limit';
import { counter } from '../metrics.ts';
import { clientKey, limitedAnswer } from './rate-limits.ts';
import { securityHeaders, setSecurityHeaders } from './security-headers.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface StaticOptions {
  /** Built dashboard (vite) folder; default dist/dashboard. */
  dashboardDir?: string;
  /** Built kiosk renderer folder, served read-only at /kiosk-preview/; default dist/renderer. */
  rendererDir?: string;
  /** Built mobile companion folder, served at /m/; default dist/mobile. */
  mobileDir?: string;
  /** Anonymous view counts (POST /m/hit/{view}) accepted per client address per minute; then 429. */
  mobileHitsPerMinute?: number;
}

/** A phone counts one view per screen it opens; this is far above that, and bounds a flood. */
export const MOBILE_HITS_PER_MINUTE = 240;

/** Views of the mobile companion that are counted (anything else is not a label). */
const MOBILE_VIEWS = new Set(['home', 'transport', 'water', 'parking', 'events', 'map']);
const mobileViews = counter('stander_mobile_views_total', 'Mobile companion views shown (anonymous)', [
  'view',
]);

/** Paths the SPA fallback never answers: the API and the other servers' prefixes. */
const NOT_SPA = /^\/(api|content|metrics|healthz|mqtt|m|kiosk-preview|assets)(\/|$)/;

/**
 * Static files of the control server: the dashboard at `/` (with the SPA fallback: any other GET
 * that wants HTML gets index.html) and the built renderer at /kiosk-preview/ for the campaign
 * preview iframe (frameable by the dashboard's own origin only). Hashed assets are cached for a
 * year; index.html never.
 */
/** After a static app: 404 for a missing file, 503 with the remedy when the app was never built. */
function notFoundOrNotBuilt(dir: string, what: string): express.RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const built = existsSync(dir);
    res
      .status(built ? 404 : 503)
      .type('text/plain')
      .send(built ? 'not found' : `${what} is not built: run npm run build`);
  };
}

export function staticRouter(opts: StaticOptions = {}): Router {
  const dashboard = opts.dashboardDir ?? path.join(REPO, 'dist/dashboard');
  const renderer = opts.rendererDir ?? path.join(REPO, 'dist/renderer');
  const mobile = opts.mobileDir ?? path.join(REPO, 'dist/mobile');
  const r = express.Router();
  const cache = (res: express.Response, file: string) => {
    if (file.endsWith('.html')) res.setHeader('cache-control', 'no-cache');
    else if (/[-.][A-Za-z0-9_-]{8,}\.(js|css|woff2?|png|svg|jpe?g|webp)$/.test(file))
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
  };

  // The mobile companion (public): anonymous view counts, then the static app. The service worker is
  // never cached by HTTP (so an update is seen at once) and its scope is /m/.
  const hitLimit = rateLimit({
    windowMs: 60_000,
    limit: opts.mobileHitsPerMinute ?? MOBILE_HITS_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: clientKey,
    handler: limitedAnswer('mobile-hit', 'too many view counts from this address; try again later'),
  });
  r.post('/m/hit/:view', hitLimit, (req, res) => {
    const view = String(req.params.view);
    if (MOBILE_VIEWS.has(view)) mobileViews.inc({ view });
    res.status(204).end();
  });
  r.get('/m', (req, res, next) => (req.path === '/m' ? res.redirect(301, '/m/') : next()));
  r.use(
    '/m',
    securityHeaders('mobile'),
    express.static(mobile, {
      index: 'index.html',
      fallthrough: true,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res, file) => {
        if (file.endsWith('sw.js')) {
          res.setHeader('cache-control', 'no-cache');
          res.setHeader('service-worker-allowed', '/m/');
        } else if (file.endsWith('.webmanifest')) {
          res.setHeader('content-type', 'application/manifest+json');
          res.setHeader('cache-control', 'no-cache');
        } else cache(res, file);
      },
    }),
    notFoundOrNotBuilt(mobile, 'the mobile companion'),
  );

  r.use(
    '/kiosk-preview',
    securityHeaders('kiosk-preview'),
    express.static(renderer, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: cache,
      dotfiles: 'ignore',
    }),
    notFoundOrNotBuilt(renderer, 'the kiosk renderer'),
  );

  r.use(
    (req, res, next) => {
      if (!NOT_SPA.test(req.path) || req.path.startsWith('/assets/')) setSecurityHeaders(res, 'dashboard');
      next();
    },
    express.static(dashboard, { index: false, fallthrough: true, setHeaders: cache, dotfiles: 'ignore' }),
  );

  r.get(/.*/, (req, res, next) => {
    if (NOT_SPA.test(req.path) || path.extname(req.path) !== '' || !req.accepts('html')) return next();
    const index = path.join(dashboard, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('the dashboard is not built: run npm run build');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}
