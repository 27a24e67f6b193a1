import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { counter } from '../metrics.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface StaticOptions {
  /** Built dashboard (vite) folder; default dist/dashboard. */
  dashboardDir?: string;
  /** Built kiosk renderer folder, served read-only at /kiosk-preview/; default dist/renderer. */
  rendererDir?: string;
  /** Built mobile companion folder, served at /m/; default dist/mobile. */
  mobileDir?: string;
}

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
  r.post('/m/hit/:view', (req, res) => {
    if (MOBILE_VIEWS.has(req.params.view)) mobileViews.inc({ view: req.params.view });
    res.status(204).end();
  });
  r.get('/m', (req, res, next) => (req.path === '/m' ? res.redirect(301, '/m/') : next()));
  r.use(
    '/m',
    (_req, res, next) => {
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('x-frame-options', 'DENY');
      res.setHeader('referrer-policy', 'no-referrer');
      next();
    },
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
    (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res
        .status(existsSync(mobile) ? 404 : 503)
        .type('text/plain')
        .send(existsSync(mobile) ? 'not found' : 'the mobile companion is not built: run npm run build');
    },
  );

  r.use(
    '/kiosk-preview',
    (_req, res, next) => {
      res.setHeader('x-frame-options', 'SAMEORIGIN');
      res.setHeader('x-content-type-options', 'nosniff');
      next();
    },
    express.static(renderer, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: cache,
      dotfiles: 'ignore',
    }),
    (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res
        .status(existsSync(renderer) ? 404 : 503)
        .type('text/plain')
        .send(existsSync(renderer) ? 'not found' : 'the kiosk renderer is not built: run npm run build');
    },
  );

  r.use(
    (_req, res, next) => {
      res.setHeader('x-content-type-options', 'nosniff');
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
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'same-origin');
    res.sendFile(index);
  });
  return r;
}
