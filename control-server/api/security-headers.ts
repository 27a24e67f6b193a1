import type { RequestHandler, Response } from 'express';

/**
 * Content-Security-Policy and the other security headers of the web apps the control server serves.
 * Each built app also carries a <meta> policy of its own; a browser enforces both, so these headers
 * add what a meta policy cannot say (frame-ancestors) and keep a strict policy when the HTML is
 * changed. No policy allows inline or eval'd script: Vite's builds load only module files.
 */

const common = [
  "default-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "font-src 'self'",
];

/**
 * The dashboard (React, leaflet with the bundled outline, chart.js on canvas). Styles come from the
 * built CSS file; leaflet and React set element.style through the CSSOM, which style-src does not
 * govern, so no 'unsafe-inline' is needed. REST and the live stream (SSE) are same-origin; uploads
 * are previewed from blob: URLs; the slide preview frames /kiosk-preview/ (same origin).
 */
export const DASHBOARD_CSP = [
  ...common,
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "worker-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The mobile companion (the kiosk renderer's mobile entry): live data over MQTT-over-WebSocket at
 * the same origin's /mqtt ('self' covers ws: and wss: of the same host), a service worker and a
 * manifest from /m/; mqtt.js keeps its timers in a worker made from a blob: URL (so they are not
 * throttled in a background tab). The renderer's map view sets inline styles, so style-src allows them (scripts
 * stay 'self' only).
 */
export const MOBILE_CSP = [
  ...common,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The built kiosk renderer at /kiosk-preview/: framed by the dashboard (same origin) only. */
export const KIOSK_PREVIEW_CSP = [
  ...common,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

export type WebApp = 'dashboard' | 'mobile' | 'kiosk-preview';

const POLICY: Record<WebApp, string> = {
  dashboard: DASHBOARD_CSP,
  mobile: MOBILE_CSP,
  'kiosk-preview': KIOSK_PREVIEW_CSP,
};

/** The phone's position is asked for by the mobile companion only; nobody needs camera or microphone. */
const PERMISSIONS: Record<WebApp, string> = {
  dashboard: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  mobile: 'camera=(), microphone=(), geolocation=(self), payment=(), usb=()',
  'kiosk-preview': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** Sets the CSP and the usual security headers of one app on a response. */
export function setSecurityHeaders(res: Response, app: WebApp): void {
  res.setHeader('Content-Security-Policy', POLICY[app]);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', app === 'kiosk-preview' ? 'SAMEORIGIN' : 'DENY');
  res.setHeader('Referrer-Policy', app === 'dashboard' ? 'same-origin' : 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', PERMISSIONS[app]);
}

export function securityHeaders(app: WebApp): RequestHandler {
  return (_req, res, next) => {
    setSecurityHeaders(res, app);
    next();
  };
}
