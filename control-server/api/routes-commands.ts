import express, { type Router } from 'express';
import { CommandRequestSchema, type CommandView } from '../../protocol/index.ts';
import { CommandPublishError, issueCommand } from '../fleet/commands.ts';
import type { CommandRecord } from '../store/index.ts';
import { auditAs, audited } from './audit.ts';
import type { ApiContext, ApiDeps } from './deps.ts';
import { HttpError, parseOr400 } from './errors.ts';

export function commandView(c: CommandRecord): CommandView {
  return { ...c, state: c.result === null ? 'pending' : c.result.ok ? 'ok' : 'failed' };
}

/** Remote commands for technicians (and admins): 202 with the command id, result readable later. */
export function commandsRouter(deps: ApiDeps, ctx: ApiContext): Router {
  const r = express.Router();
  const { store } = deps;
  const techs = [ctx.authenticate(), ctx.requireRole('admin', 'technician')];
  const screen = (id: string) => {
    if (!store.getScreen(id)) throw new HttpError(404, `no screen "${id}"`);
  };

  r.post(
    '/api/v1/screens/:id/commands',
    audited('command.issue', (id) => `screen:${id}`),
    ...techs,
    async (req, res) => {
      const screenId = String(req.params.id);
      auditAs(res, 'command.issue', `screen:${screenId}`);
      screen(screenId);
      const request = parseOr400(CommandRequestSchema, req.body);
      auditAs(res, `command.${request.type}`, `screen:${screenId}`);
      const p = ctx.principalOf(res);
      try {
        const rec = await issueCommand(deps, screenId, request, p?.kind === 'user' ? p.username : 'unknown');
        res.status(202).location(`/api/v1/screens/${screenId}/commands/${rec.id}`).json({ id: rec.id });
      } catch (err) {
        if (err instanceof CommandPublishError) throw new HttpError(503, err.message);
        throw err;
      }
    },
  );

  r.get('/api/v1/screens/:id/commands', ...techs, (req, res) => {
    const screenId = String(req.params.id);
    screen(screenId);
    res.json({ commands: store.listCommands(screenId).map(commandView) });
  });

  r.get('/api/v1/screens/:id/commands/:cmdId', ...techs, (req, res) => {
    const c = store.getCommand(String(req.params.id), String(req.params.cmdId));
    if (!c) throw new HttpError(404, `no command "${req.params.cmdId}" for screen "${req.params.id}"`);
    res.json(commandView(c));
  });
  return r;
}
