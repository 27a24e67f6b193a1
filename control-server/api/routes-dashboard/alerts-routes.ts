import express, { type Router } from 'express';
import type { AlertEngine } from '../../fleet/alerts.ts';
import type { ApiContext } from '../deps.ts';
import { HttpError } from '../errors.ts';

/** GET /api/v1/alerts[?includeResolved=1&screenId=], POST /api/v1/alerts/{id}/ack. */
export function alertsRouter(alerts: AlertEngine, ctx: ApiContext): Router {
  const r = express.Router();
  const fleet = [ctx.authenticate(), ctx.requireRole('admin', 'technician')];
  r.get('/api/v1/alerts', ...fleet, (req, res) => {
    const includeResolved = req.query.includeResolved === '1' || req.query.includeResolved === 'true';
    const screenId = typeof req.query.screenId === 'string' ? req.query.screenId : undefined;
    res.json({ alerts: alerts.list({ includeResolved, ...(screenId ? { screenId } : {}) }) });
  });
  r.post('/api/v1/alerts/:id/ack', ...fleet, (req, res) => {
    const id = String(req.params.id);
    ctx.auditAs(res, 'alert.ack', `alert:${id}`);
    const p = ctx.principalOf(res);
    const by = p?.kind === 'user' ? p.username : 'unknown';
    const a = alerts.acknowledge(id, by, Date.now());
    if (!a) throw new HttpError(404, `no active alert "${id}"`);
    res.json(a);
  });
  return r;
}
