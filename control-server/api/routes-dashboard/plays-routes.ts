import express, { type Router } from 'express';
import { z } from 'zod';
import { IdSchema, IsoDateTime } from '../../../protocol/index.ts';
import { type PlaysStore, playsToCsv } from '../../fleet/plays.ts';
import type { ApiContext } from '../deps.ts';
import { parseOr400 } from '../errors.ts';

const QuerySchema = z.object({
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  campaignId: IdSchema.optional(),
  screenId: IdSchema.optional(),
});

/**
 * Proof of play: GET /api/v1/plays (JSON: hourly rows and per campaign/screen totals) and
 * GET /api/v1/plays.csv (the hourly rows as CSV, for a spreadsheet), same filters.
 */
export function playsRouter(plays: PlaysStore, ctx: ApiContext): Router {
  const r = express.Router();
  const readers = [ctx.authenticate(), ctx.requireRole('admin', 'operator')];
  const query = (q: unknown) => {
    const parsed = parseOr400(QuerySchema, q, 'query');
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  };
  r.get('/api/v1/plays', ...readers, (req, res) => {
    const q = query(req.query);
    const rows = plays.query(q);
    res.json({ rows: rows.slice(-5000), truncated: rows.length > 5000, summary: plays.summary(q) });
  });
  r.get('/api/v1/plays.csv', ...readers, (req, res) => {
    const q = query(req.query);
    const day = new Date().toISOString().slice(0, 10);
    res
      .type('text/csv; charset=utf-8')
      .set('content-disposition', `attachment; filename="proof-of-play-${day}.csv"`)
      .send(playsToCsv(plays.query(q)));
  });
  return r;
}
