import express, { type Router } from 'express';
import {
  ErrorResponseSchema,
  SCREEN_BATCH_MAX,
  type ScreenBatchCreated,
  ScreenBatchCreatedSchema,
  ScreenBatchCreateSchema,
} from '../../protocol/index.ts';
import type { ScreenRecord } from '../store/index.ts';
import { auditAs, audited } from './audit.ts';
import type { ApiContext, ApiDeps, ApiLimits } from './deps.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { publishScreenConfig } from './publish.ts';

export const SCREEN_BATCH_PATH = '/api/v1/screens/batch';
/** Retained configs published at once after a batch (the broker takes them in this many flights). */
const PUBLISH_CONCURRENCY = 64;

/**
 * POST /api/v1/screens/batch (admin): provisions up to SCREEN_BATCH_MAX screens in one request and
 * one durable store write, all or nothing. Every item is validated before anything is stored: one
 * invalid item refuses the batch with 400 and issues naming it (`screens.{i}.…`); a taken explicit
 * id refuses it with 409 (`screens.{i}.id`). The device tokens come back once, in request order.
 * Its body parser runs after authentication, so only an admin can send a body this large.
 */
export function screensBatchRouter(deps: ApiDeps, ctx: ApiContext, limits: ApiLimits): Router {
  const r = express.Router();
  const { store, bus, log } = deps;
  documentBatch(ctx);

  const publishAll = async (screens: ScreenRecord[]) => {
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < screens.length) {
        const s = screens[next++]!;
        // Stored first, then published; a failed publish is repeated at the next start (republishAll).
        await publishScreenConfig(bus, s, deps.mobileBaseUrl).catch(() => failed++);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUBLISH_CONCURRENCY, screens.length) }, worker));
    if (failed) log.error({ failed, of: screens.length }, 'screen config publish failed for part of a batch');
  };

  r.post(
    SCREEN_BATCH_PATH,
    audited('screen.create.batch'),
    ctx.authenticate(),
    ctx.requireRole('admin'),
    express.json({ limit: limits.screenBatchBodyBytes }),
    async (req, res) => {
      const { screens: inputs } = parseOr400(ScreenBatchCreateSchema, req.body);
      const issues = inputs.flatMap((s, i) =>
        s.languages.includes(s.defaultLanguage)
          ? []
          : [
              {
                path: `screens.${i}.defaultLanguage`,
                message: `must be one of the screen's languages (${s.languages.join(', ')})`,
              },
            ],
      );
      if (issues.length) {
        const first = issues[0]!;
        throw new HttpError(400, `invalid body: ${first.path}: ${first.message}`, issues.slice(0, 50));
      }
      const created = await store.createScreens(inputs);
      const ids = created.map((c) => c.screen.id);
      auditAs(res, 'screen.create.batch', `screens:${ids.length}:${ids[0]}..${ids[ids.length - 1]}`);
      await publishAll(created.map((c) => c.screen));
      const body: ScreenBatchCreated = { screens: created.map((c) => ({ id: c.screen.id, token: c.token })) };
      res.status(201).json(body);
    },
  );
  return r;
}

function documentBatch(ctx: ApiContext): void {
  const err = (description: string) => ({
    description,
    content: { 'application/json': { schema: ErrorResponseSchema } },
  });
  ctx.documentRoute({
    method: 'post',
    path: SCREEN_BATCH_PATH,
    summary: `Provision up to ${SCREEN_BATCH_MAX} screens at once (admin), all or nothing; device tokens shown this once`,
    request: {
      body: { required: true, content: { 'application/json': { schema: ScreenBatchCreateSchema } } },
    },
    responses: {
      '201': {
        description: 'created, one {id, token} per item in request order',
        content: { 'application/json': { schema: ScreenBatchCreatedSchema } },
      },
      '400': err('an item is invalid (issues[].path names it: screens.{i}.…); nothing was created'),
      '401': err('not logged in, or the session expired'),
      '403': err('the role may not do this'),
      '409': err('an explicit id is taken or repeated (issues[].path: screens.{i}.id); nothing was created'),
      '413': err('request body too large'),
    },
  });
}
