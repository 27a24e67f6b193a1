import express, { type Router } from 'express';
import { z } from 'zod';
import type { HealthSample, Store } from '../../store/index.ts';
import type { ApiContext } from '../deps.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import type { FleetView } from './fleet-view.ts';
import type { HealthPoint } from './health-history.ts';
import { MAX_SCREENSHOT_BYTES, type ScreenshotStore } from './screenshots.ts';

const round1 = (n: number) => Math.round(n * 10) / 10;

/** A stored 5-minute health sample as a chart point. */
export function pointOfSample(s: HealthSample): HealthPoint {
  return {
    t: new Date(s.t).toISOString(),
    cpuPercent: round1(s.cpu),
    temperatureC: s.tempC === null ? null : round1(s.tempC),
    memoryUsedPercent: s.memTotal > 0 ? round1(100 * (1 - s.memFree / s.memTotal)) : 0,
    diskFreePercent: s.diskFree !== null && s.diskTotal ? round1((100 * s.diskFree) / s.diskTotal) : null,
    invalidMessages: s.invalid,
    rendererRestarts: 0,
    staleFeeds: 0,
  };
}

/**
 * Per-screen routes of the dashboard:
 * - GET /api/v1/screens/{id}/health-history?hours=N: chart points, fine-grained for what this
 *   process saw, the store's persisted 5-minute samples before that;
 * - POST /api/v1/screens/{id}/screenshot (the screen itself, `Bearer {screenId}:{token}`, body
 *   image/png) and GET /api/v1/screens/{id}/screenshot (the newest, technicians);
 * - GET /api/v1/campaigns/{id}/delivery and GET /api/v1/deliveries.
 */
export function screensExtraRouter(o: {
  store: Store;
  fleet: FleetView;
  screenshots: ScreenshotStore;
  ctx: ApiContext;
}): Router {
  const { store, fleet, screenshots, ctx } = o;
  const r = express.Router();
  const tech = [ctx.authenticate(), ctx.requireRole('admin', 'technician')];
  const anyone = [ctx.authenticate(), ctx.requireRole('admin', 'operator', 'technician')];
  const known = (id: string) => {
    if (!store.getScreen(id)) throw new HttpError(404, `no screen "${id}"`);
  };

  r.get('/api/v1/screens/:id/health-history', ...tech, (req, res) => {
    const id = String(req.params.id);
    known(id);
    const { hours } = parseOr400(
      z.object({
        hours: z.coerce
          .number()
          .min(0.1)
          .max(24 * 7)
          .default(6),
      }),
      req.query,
      'query',
    );
    const since = Date.now() - hours * 3_600_000;
    const recent = fleet.history.get(id, since);
    const firstRecent = recent[0] ? Date.parse(recent[0].t) : Number.POSITIVE_INFINITY;
    const older = store
      .healthHistory(id, since)
      .filter((s) => s.t < firstRecent - 60_000)
      .map(pointOfSample);
    res.json({ points: [...older, ...recent] });
  });

  r.post(
    '/api/v1/screens/:id/screenshot',
    ctx.authenticate({ allowScreens: true }),
    express.raw({ type: ['image/png'], limit: MAX_SCREENSHOT_BYTES }),
    async (req, res) => {
      const id = String(req.params.id);
      ctx.auditAs(res, 'screenshot.upload', `screen:${id}`);
      const p = ctx.principalOf(res);
      if (p?.kind !== 'screen' || p.screenId !== id) {
        throw new HttpError(403, 'only the screen itself may upload its screenshot');
      }
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new HttpError(415, 'send the screenshot as Content-Type: image/png');
      }
      try {
        const info = await screenshots.save(id, req.body);
        res.status(201).json({ ...info, url: `/api/v1/screens/${id}/screenshot` });
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
    },
  );

  r.get('/api/v1/screens/:id/screenshot', ...tech, async (req, res) => {
    const id = String(req.params.id);
    known(id);
    const shot = await screenshots.latest(id);
    if (!shot) throw new HttpError(404, `no screenshot of "${id}" yet`);
    res
      .type('image/png')
      .set('cache-control', 'no-store')
      .set('x-screenshot-at', shot.info.at)
      .set('content-security-policy', "default-src 'none'")
      .send(shot.png);
  });

  r.get('/api/v1/campaigns/:id/delivery', ...anyone, (req, res) => {
    const d = fleet.delivery(String(req.params.id));
    if (!d) throw new HttpError(404, `no campaign "${String(req.params.id)}" on the bus`);
    res.json(d);
  });

  r.get('/api/v1/deliveries', ...anyone, (_req, res) => {
    const deliveries = [...fleet.campaigns.keys()].flatMap((id) => {
      const d = fleet.delivery(id);
      return d ? [{ campaignId: id, version: d.version, targeted: d.targeted, have: d.have }] : [];
    });
    res.json({ deliveries });
  });
  return r;
}
