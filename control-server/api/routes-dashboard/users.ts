import express, { type Router } from 'express';
import { z } from 'zod';
import { RoleSchema } from '../../../protocol/index.ts';
import type { Store } from '../../store/index.ts';
import type { ApiContext } from '../deps.ts';
import { HttpError, parseOr400 } from '../errors.ts';

const UsernameSchema = z
  .string()
  .min(2)
  .max(100)
  .regex(/^[a-z0-9_.@-]+$/, 'may only contain lowercase letters, digits and _ . @ -');
const PasswordSchema = z.string().min(10, 'must be at least 10 characters').max(200);

export const UserCreateSchema = z.object({
  username: UsernameSchema,
  role: RoleSchema,
  password: PasswordSchema,
});
export const UserUpdateSchema = z
  .object({
    role: RoleSchema.optional(),
    password: PasswordSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine(
    (u) => u.role !== undefined || u.password !== undefined || u.disabled !== undefined,
    'nothing to change',
  );

/**
 * Users (admin only): list, create, change role or password, disable. Accounts are disabled rather
 * than erased, so the audit log's actors keep meaning something; DELETE disables. An admin cannot
 * demote or disable their own account (no locking the city out of its own server).
 */
export function usersRouter(store: Store, ctx: ApiContext, revokeUser?: (username: string) => void): Router {
  const r = express.Router();
  const admin = [ctx.authenticate(), ctx.requireRole('admin')];
  const self = (res: express.Response) => {
    const p = ctx.principalOf(res);
    return p?.kind === 'user' ? p.username : null;
  };
  const exists = (username: string) => {
    if (!store.getUser(username)) throw new HttpError(404, `no user "${username}"`);
  };

  r.get('/api/v1/users', ...admin, (_req, res) => {
    res.json({ users: store.listUsers().sort((a, b) => a.username.localeCompare(b.username)) });
  });

  r.post('/api/v1/users', ...admin, async (req, res) => {
    ctx.auditAs(res, 'user.create');
    const u = parseOr400(UserCreateSchema, req.body);
    ctx.auditAs(res, 'user.create', `user:${u.username}`);
    await store.createUser(u.username, u.role, u.password);
    res.status(201).json(store.getUser(u.username));
  });

  r.put('/api/v1/users/:username', ...admin, async (req, res) => {
    const username = String(req.params.username);
    ctx.auditAs(res, 'user.update', `user:${username}`);
    exists(username);
    const change = parseOr400(UserUpdateSchema, req.body);
    if (username === self(res) && ((change.role && change.role !== 'admin') || change.disabled)) {
      throw new HttpError(409, 'you cannot demote or disable your own account');
    }
    await store.updateUser(username, change);
    if (change.password || change.disabled || change.role) revokeUser?.(username);
    res.json(store.getUser(username));
  });

  r.delete('/api/v1/users/:username', ...admin, async (req, res) => {
    const username = String(req.params.username);
    ctx.auditAs(res, 'user.disable', `user:${username}`);
    exists(username);
    if (username === self(res)) throw new HttpError(409, 'you cannot disable your own account');
    await store.updateUser(username, { disabled: true });
    revokeUser?.(username);
    res.status(204).end();
  });
  return r;
}
