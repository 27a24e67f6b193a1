import express, { type Router } from 'express';
import { z } from 'zod';
import { IsoDateTime } from '../../../protocol/index.ts';
import { type AuditEntry, AuditOutcomeSchema, type Store } from '../../store/index.ts';
import type { ApiContext } from '../deps.ts';
import { parseOr400 } from '../errors.ts';

const QuerySchema = z.object({
  /** Free text, matched case-insensitively against actor, action, target, detail and ip. */
  q: z.string().max(200).optional(),
  actor: z.string().max(120).optional(),
  outcome: AuditOutcomeSchema.optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Entries older than this sequence number (paging backwards). */
  before: z.coerce.number().int().positive().optional(),
});

export function searchAudit(entries: AuditEntry[], q: z.output<typeof QuerySchema>): AuditEntry[] {
  const needle = q.q?.trim().toLowerCase();
  const from = q.from ? Date.parse(q.from) : Number.NEGATIVE_INFINITY;
  const to = q.to ? Date.parse(q.to) : Number.POSITIVE_INFINITY;
  const out: AuditEntry[] = [];
  for (const e of entries) {
    if (q.before !== undefined && e.seq >= q.before) continue;
    const at = Date.parse(e.at);
    if (at < from || at >= to) continue;
    if (q.actor && e.actor !== q.actor) continue;
    if (q.outcome && e.outcome !== q.outcome) continue;
    if (needle) {
      const hay =
        `${e.actor}\n${e.action}\n${e.target ?? ''}\n${e.detail ?? ''}\n${e.ip ?? ''}`.toLowerCase();
      if (!hay.includes(needle)) continue;
    }
    out.push(e);
    if (out.length >= q.limit) break;
  }
  return out;
}

/** GET /api/v1/audit: the audit log, newest first, searchable (admin only). */
export function auditRouter(store: Store, ctx: ApiContext): Router {
  const r = express.Router();
  r.get('/api/v1/audit', ctx.authenticate(), ctx.requireRole('admin'), (req, res) => {
    const q = parseOr400(QuerySchema, req.query, 'query');
    const entries = searchAudit(store.listAudit({ limit: Number.MAX_SAFE_INTEGER }), q);
    res.json({ entries, more: entries.length === q.limit });
  });
  return r;
}
