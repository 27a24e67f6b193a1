import express, { type Router } from 'express';
import { z } from 'zod';
import { IdSchema } from '../../protocol/index.ts';
import { audited } from './audit.ts';
import type { ApiContext, ApiDeps } from './deps.ts';
import { HttpError, parseOr400 } from './errors.ts';

/** A named group of screens (screens list group ids; campaigns target them). */
export const GroupBodySchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
});

export const GroupViewSchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string().optional(),
  createdAt: z.string(),
  /** Screens that are in the group now. */
  screens: z.number().int().nonnegative(),
});

/** Groups: names for the group ids screens carry, so that people target "Harbour" rather than "g-7". */
export function groupsRouter(deps: ApiDeps, ctx: ApiContext): Router {
  const r = express.Router();
  const { store } = deps;
  const anyone = [ctx.authenticate(), ctx.requireRole('admin', 'operator', 'technician')];
  const editors = [ctx.authenticate(), ctx.requireRole('admin', 'operator')];
  const count = (id: string) => store.listScreens().filter((s) => s.groups.includes(id)).length;

  r.get('/api/v1/groups', ...anyone, (_req, res) => {
    res.json({ groups: store.listGroups().map((g) => ({ ...g, screens: count(g.id) })) });
  });

  r.put(
    '/api/v1/groups/:id',
    audited('group.put', (id) => `group:${id}`),
    ...editors,
    async (req, res) => {
      const id = parseOr400(IdSchema, req.params.id, 'group id');
      const body = parseOr400(GroupBodySchema, req.body);
      const existed = store.listGroups().some((g) => g.id === id);
      const g = await store.upsertGroup({ id, ...body });
      res.status(existed ? 200 : 201).json({ ...g, screens: count(g.id) });
    },
  );

  r.delete(
    '/api/v1/groups/:id',
    audited('group.delete', (id) => `group:${id}`),
    ...editors,
    async (req, res) => {
      const id = String(req.params.id);
      if (!store.listGroups().some((g) => g.id === id)) throw new HttpError(404, `no group "${id}"`);
      await store.deleteGroup(id);
      res.status(204).end();
    },
  );
  return r;
}
