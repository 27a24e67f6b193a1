import type { Express, RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { Health, Role } from '../../protocol/index.ts';
import type { Bus } from '../bus.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';

/**
 * What the REST API needs from the rest of the server. The views are small interfaces so that the
 * fleet modules (fleet/presence.ts, fleet/health.ts, the dashboard's FleetView, the feed poller)
 * implement them without the API importing their internals.
 */
export interface PresenceInfo {
  online: boolean;
  lastSeen: string | null;
  appVersion: string | null;
  contentVersion: string | null;
}
/** Implemented by fleet/presence.ts's Presence. */
export interface PresenceView {
  get(screenId: string): PresenceInfo;
  forget?(screenId: string): void;
}
/** Implemented by fleet/health.ts's FleetHealth. */
export interface HealthView {
  latest(screenId: string): Health | null;
  forget?(screenId: string): void;
}
/** Per-campaign delivery (screens targeted, screens holding the current version). */
export interface DeliveryView {
  deliveryOf(campaignId: string): { targeted: number; have: number } | null;
}
/** The feed poller's state: counts on /healthz, the detail on GET /api/v1/feeds/health (staff). */
export interface FeedsHealthProvider {
  status(): Record<string, unknown>;
}

export interface ApiLimits {
  /** JSON bodies larger than this answer 413. */
  jsonBodyBytes: number;
  /** Uploaded content larger than this answers 413. */
  contentBytes: number;
  /** Failed logins per IP and username within loginWindowMs before 429. */
  loginAttempts: number;
  /** All login attempts per IP within loginWindowMs before 429. */
  loginAttemptsPerIp: number;
  loginWindowMs: number;
  /** Refused content downloads (401) per IP per minute before 429: keeps token guessing from burning CPU. */
  contentAuthFailuresPerMinute: number;
  sessionTtlMs: number;
  /** JSON body of POST /api/v1/screens/batch (parsed only after an admin authenticated). */
  screenBatchBodyBytes: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  jsonBodyBytes: 256 * 1024,
  contentBytes: 200 * 1024 * 1024,
  loginAttempts: 10,
  loginAttemptsPerIp: 100,
  loginWindowMs: 15 * 60_000,
  contentAuthFailuresPerMinute: 60,
  sessionTtlMs: 12 * 3600_000,
  // 1,000 screens with feeds, tags and display hours fit with room to spare.
  screenBatchBodyBytes: 4 * 1024 * 1024,
};

/** Who made a request: a logged-in person, or a screen with its device token (content downloads). */
export type Principal = { kind: 'user'; username: string; role: Role } | { kind: 'screen'; screenId: string };

/** Handed to `extend` so that other route modules reuse the API's auth, roles and audit. */
export interface ApiContext {
  /** 401 unless a user session (or, with allowScreens, a screen token) is presented. */
  authenticate(opts?: { allowScreens?: boolean }): RequestHandler;
  /** 403 unless the user has one of the roles (after authenticate). */
  requireRole(...roles: Role[]): RequestHandler;
  /** Names the audit entry of this request (action such as "campaign.create", target such as "campaign:x"). */
  auditAs(res: import('express').Response, action: string, target?: string | null): void;
  principalOf(res: import('express').Response): Principal | null;
  /** Adds a route to GET /api/v1/openapi.json (zod schemas for params, query, body and answers). */
  documentRoute(route: import('./openapi.ts').RouteConfig): void;
  /** Ends every session of a user (after a password change). Disabled users are refused anyway. */
  revokeSessions(username: string): void;
}

export interface ApiDeps {
  store: Store;
  bus: Bus;
  log: Logger;
  presence?: PresenceView | null;
  health?: HealthView | null;
  delivery?: DeliveryView | null;
  feeds?: FeedsHealthProvider | null;
  /** Prometheus registry served on /metrics; defaults to control-server/metrics.ts's. */
  metrics?: Registry;
  /** /healthz answers 503 while this returns false (broker down, store closing). */
  ready?: () => boolean;
  /** Put into each screen config (QR hand-off of the mobile companion). */
  mobileBaseUrl?: string;
  limits?: Partial<ApiLimits>;
  /** Mounts more routes (dashboard routes, broker hooks) after the API's own, before the 404 handler. */
  extend?: (app: Express, ctx: ApiContext) => void;
  /** Express "trust proxy" setting, when behind a reverse proxy. */
  trustProxy?: boolean | number | string;
}
