import express, { type Router } from 'express';
import { type ScreenDetail, ScreenCreateSchema, ScreenUpdateSchema } from '../../protocol/index.ts';
import type { ScreenRecord } from '../store/index.ts';
import { auditAs, audited } from './audit.ts';
import type { ApiContext, ApiDeps } from './deps.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { clearScreen, publishScreenConfig } from './publish.ts';

/** Screens: provisioning with a one-time device token, configuration, token rotation, removal. */
export function screensRouter(deps: ApiDeps, ctx: ApiContext): Router {
  const r = express.Router();
  const { store, bus, log } = deps;
  const anyone = [ctx.authenticate(), ctx.requireRole('admin', 'operator', 'technician')];
  const admin = [ctx.authenticate(), ctx.requireRole('admin')];

  const view = (s: ScreenRecord): ScreenDetail => {
    const p = deps.presence?.get(s.id);
    return {
      id: s.id,
      name: s.name,
      profile: s.profile,
      location: s.location,
      groups: s.groups,
      tags: s.tags,
      online: p?.online ?? false,
      lastSeen: p?.lastSeen ?? null,
      appVersion: p?.appVersion ?? null,
      contentVersion: p?.contentVersion ?? null,
      health: deps.health?.latest(s.id) ?? null,
      languages: s.languages,
      defaultLanguage: s.defaultLanguage,
      feeds: s.feeds,
      displayHours: s.displayHours,
      theme: s.theme ?? 'auto',
      configVersion: s.configVersion,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  };
  const find = (id: string): ScreenRecord => {
    const s = store.getScreen(id);
    if (!s) throw new HttpError(404, `no screen "${id}"`);
    return s;
  };
  /** Stored first, then published; a failed publish is logged and repeated at the next start. */
  const publish = async (s: ScreenRecord) => {
    try {
      await publishScreenConfig(bus, s, deps.mobileBaseUrl);
    } catch (err) {
      log.error({ err, screenId: s.id }, 'screen config publish failed');
    }
  };

  const checkLanguages = (languages: string[], defaultLanguage: string) => {
    if (!languages.includes(defaultLanguage)) {
      const message = `must be one of the screen's languages (${languages.join(', ')})`;
      throw new HttpError(400, `invalid body: defaultLanguage: ${message}`, [
        { path: 'defaultLanguage', message },
      ]);
    }
  };

  r.get('/api/v1/screens', ...anyone, (_req, res) => {
    res.json({ screens: store.listScreens().map(view) });
  });

  r.get('/api/v1/screens/:id', ...anyone, (req, res) => {
    res.json(view(find(String(req.params.id))));
  });

  r.post('/api/v1/screens', audited('screen.create'), ...admin, async (req, res) => {
    auditAs(res, 'screen.create');
    const input = parseOr400(ScreenCreateSchema, req.body);
    if (input.id) auditAs(res, 'screen.create', `screen:${input.id}`);
    checkLanguages(input.languages, input.defaultLanguage);
    const { screen, token } = await store.createScreen(input);
    auditAs(res, 'screen.create', `screen:${screen.id}`);
    await publish(screen);
    res.status(201).location(`/api/v1/screens/${screen.id}`).json({ id: screen.id, token });
  });

  r.put(
    '/api/v1/screens/:id',
    audited('screen.update', (id) => `screen:${id}`),
    ...admin,
    async (req, res) => {
      const id = String(req.params.id);
      auditAs(res, 'screen.update', `screen:${id}`);
      const old = find(id);
      const patch = parseOr400(ScreenUpdateSchema, req.body);
      checkLanguages(patch.languages ?? old.languages, patch.defaultLanguage ?? old.defaultLanguage);
      const screen = await store.updateScreen(id, patch);
      await publish(screen);
      res.json(view(screen));
    },
  );

  r.post(
    '/api/v1/screens/:id/token',
    audited('screen.token.rotate', (id) => `screen:${id}`),
    ...admin,
    async (req, res) => {
      const id = String(req.params.id);
      auditAs(res, 'screen.token.rotate', `screen:${id}`);
      find(id);
      const token = await store.rotateScreenToken(id);
      res.json({ id, token });
    },
  );

  r.delete(
    '/api/v1/screens/:id',
    audited('screen.delete', (id) => `screen:${id}`),
    ...admin,
    async (req, res) => {
      const id = String(req.params.id);
      auditAs(res, 'screen.delete', `screen:${id}`);
      find(id);
      await store.deleteScreen(id);
      deps.presence?.forget?.(id);
      deps.health?.forget?.(id);
      try {
        await clearScreen(bus, id);
      } catch (err) {
        log.error({ err, screenId: id }, 'clearing retained screen state failed');
      }
      res.status(204).end();
    },
  );
  return r;
}
