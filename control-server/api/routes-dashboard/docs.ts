import { z } from 'zod';
import { ErrorResponseSchema, IdSchema, IsoDateTime, RoleSchema } from '../../../protocol/index.ts';
import type { ApiContext } from '../deps.ts';
import type { RouteConfig } from '../openapi.ts';
import { UserCreateSchema, UserUpdateSchema } from './users.ts';

/** The dashboard's routes in GET /api/v1/openapi.json. */
export function documentDashboardRoutes(ctx: ApiContext): void {
  const security = [{ bearer: [] }];
  const json = (schema: z.ZodType, description: string) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const err = (description: string) => json(ErrorResponseSchema, description);
  const denied = { '401': err('not logged in'), '403': err('the role may not do this') };
  const id = z.object({ id: IdSchema });
  const doc = (r: Omit<RouteConfig, 'security'> & { public?: boolean }) => {
    const { public: open, ...route } = r;
    ctx.documentRoute({ ...route, tags: ['dashboard'], ...(open ? {} : { security }) } as RouteConfig);
  };
  const Alert = z.object({
    id: z.string(),
    screenId: IdSchema,
    kind: z.enum([
      'offline',
      'temperature',
      'low-disk',
      'stale-feed',
      'invalid-messages',
      'renderer-restarts',
    ]),
    severity: z.enum(['warning', 'critical']),
    detail: z.record(z.string(), z.union([z.string(), z.number()])),
    raisedAt: IsoDateTime,
    lastSeenAt: IsoDateTime,
    resolvedAt: IsoDateTime.nullable(),
    acknowledged: z.object({ by: z.string(), at: IsoDateTime }).nullable(),
  });
  const Delivery = z.object({
    campaignId: IdSchema,
    version: z.number().int(),
    targeted: z.number().int(),
    have: z.number().int(),
    screens: z.array(
      z.object({
        id: IdSchema,
        name: z.string(),
        online: z.boolean(),
        heldVersion: z.number().int().nullable(),
        has: z.boolean(),
      }),
    ),
  });
  const User = z.object({
    username: z.string(),
    role: RoleSchema,
    createdAt: IsoDateTime,
    disabled: z.boolean(),
  });
  const PlaysQuery = z.object({
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    campaignId: IdSchema.optional(),
    screenId: IdSchema.optional(),
  });

  doc({
    method: 'get',
    path: '/api/v1/stream',
    summary:
      'Live updates as Server-Sent Events: presence, health, command-result, delivery, campaign, plays, alert (health, command results and alerts for admins and technicians only). EventSource may pass the session as ?token=.',
    request: { query: z.object({ token: z.string().optional() }) },
    responses: {
      '200': { description: 'text/event-stream' },
      ...denied,
      '503': err('too many streams open'),
    },
  });
  doc({
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Fleet alerts, open first (admin, technician)',
    request: {
      query: z.object({ includeResolved: z.enum(['1', 'true']).optional(), screenId: IdSchema.optional() }),
    },
    responses: { '200': json(z.object({ alerts: z.array(Alert) }), 'alerts'), ...denied },
  });
  doc({
    method: 'post',
    path: '/api/v1/alerts/{id}/ack',
    summary: 'Acknowledge an open alert (admin, technician)',
    request: { params: z.object({ id: z.string() }) },
    responses: { '200': json(Alert, 'the acknowledged alert'), ...denied, '404': err('no such open alert') },
  });
  doc({
    method: 'get',
    path: '/api/v1/campaigns/{id}/delivery',
    summary: 'How many targeted screens hold the current version; the laggards listed',
    request: { params: id },
    responses: { '200': json(Delivery, 'delivery'), ...denied, '404': err('no such campaign') },
  });
  doc({
    method: 'get',
    path: '/api/v1/deliveries',
    summary: 'Delivery counts of every campaign',
    responses: {
      '200': json(z.object({ deliveries: z.array(Delivery.omit({ screens: true })) }), 'counts'),
      ...denied,
    },
  });
  doc({
    method: 'get',
    path: '/api/v1/screens/{id}/health-history',
    summary: "A screen's health samples for charts (admin, technician)",
    request: { params: id, query: z.object({ hours: z.number().optional() }) },
    responses: { '200': { description: '{points: [...]}' }, ...denied, '404': err('no such screen') },
  });
  doc({
    method: 'post',
    path: '/api/v1/screens/{id}/screenshot',
    summary:
      'A screen uploads its screenshot (Bearer {screenId}:{deviceToken}; body image/png, at most 8 MB)',
    request: { params: id, body: { required: true, content: { 'image/png': { schema: z.string() } } } },
    responses: {
      '201': { description: 'stored' },
      '400': err('not a PNG'),
      '401': err('bad screen credentials'),
      '403': err('not this screen'),
      '413': err('too large'),
    },
  });
  doc({
    method: 'get',
    path: '/api/v1/screens/{id}/screenshot',
    summary: "The screen's newest screenshot, image/png (admin, technician)",
    request: { params: id },
    responses: { '200': { description: 'image/png' }, ...denied, '404': err('no screenshot yet') },
  });
  doc({
    method: 'get',
    path: '/api/v1/plays',
    summary: 'Proof of play: hourly rows and totals per campaign and screen (admin, operator)',
    request: { query: PlaysQuery },
    responses: { '200': { description: '{rows, summary, truncated}' }, ...denied },
  });
  doc({
    method: 'get',
    path: '/api/v1/plays.csv',
    summary: 'Proof of play as CSV: hour,screenId,campaignId,campaignVersion,plays,seconds (admin, operator)',
    request: { query: PlaysQuery },
    responses: { '200': { description: 'text/csv' }, ...denied },
  });
  doc({
    method: 'get',
    path: '/api/v1/feeds/health',
    summary: 'Every feed on the bus with its freshness, and the poller status',
    responses: { '200': { description: '{feeds, poller}' }, ...denied },
  });
  doc({
    method: 'get',
    path: '/api/v1/audit',
    summary: 'The audit log, newest first, searchable (admin)',
    request: {
      query: z.object({
        q: z.string().optional(),
        actor: z.string().optional(),
        outcome: z.enum(['ok', 'denied', 'invalid', 'not-found', 'error']).optional(),
        from: IsoDateTime.optional(),
        to: IsoDateTime.optional(),
        limit: z.number().int().optional(),
        before: z.number().int().optional(),
      }),
    },
    responses: { '200': { description: '{entries, more}' }, ...denied },
  });
  doc({
    method: 'get',
    path: '/api/v1/users',
    summary: 'Users (admin)',
    responses: { '200': json(z.object({ users: z.array(User) }), 'users'), ...denied },
  });
  doc({
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create a user (admin)',
    request: { body: { required: true, content: { 'application/json': { schema: UserCreateSchema } } } },
    responses: { '201': json(User, 'created'), '400': err('invalid'), ...denied, '409': err('exists') },
  });
  doc({
    method: 'put',
    path: '/api/v1/users/{username}',
    summary: 'Change role, password or disabled (admin; not your own role or account)',
    request: {
      params: z.object({ username: z.string() }),
      body: { required: true, content: { 'application/json': { schema: UserUpdateSchema } } },
    },
    responses: {
      '200': json(User, 'updated'),
      ...denied,
      '404': err('no such user'),
      '409': err('own account'),
    },
  });
  doc({
    method: 'delete',
    path: '/api/v1/users/{username}',
    summary: 'Disable a user (accounts are never erased, so the audit log keeps its actors)',
    request: { params: z.object({ username: z.string() }) },
    responses: {
      '204': { description: 'disabled' },
      ...denied,
      '404': err('no such user'),
      '409': err('own account'),
    },
  });
}
