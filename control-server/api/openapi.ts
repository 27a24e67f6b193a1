import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';

export type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  CampaignInputSchema,
  CampaignListSchema,
  CampaignViewSchema,
  CampaignWrittenSchema,
  CommandAcceptedSchema,
  CommandRequestSchema,
  CommandViewSchema,
  ContentViewSchema,
  ErrorResponseSchema,
  HealthzSchema,
  IdSchema,
  PROTOCOL_VERSION,
  ScreenCreatedSchema,
  ScreenCreateSchema,
  ScreenDetailSchema,
  ScreenListSchema,
  ScreenUpdateSchema,
  SessionInfoSchema,
  SessionRequestSchema,
  SessionResponseSchema,
  TokenRotatedSchema,
} from '../../protocol/index.ts';
import { ALLOWED_MIME } from './content-types.ts';
import { GroupBodySchema, GroupViewSchema } from './routes-groups.ts';

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas that validate the
 * requests (protocol/rest.ts, protocol/rest-api.ts), so it cannot drift from what the server does.
 */
function build(extra: readonly RouteConfig[]): Record<string, unknown> {
  // Named components come from zod's own metadata (`.meta({id})`), which the generator reads; the
  // registry's register() needs .openapi(), which zod 4 schemas created before extension lack.
  const reg = new OpenAPIRegistry();
  const bearer = reg.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A session token from POST /api/v1/session; for /content/{sha256} also `{screenId}:{deviceToken}`.',
  });
  const security = [{ [bearer.name]: [] }];
  const ErrorRef = ErrorResponseSchema.meta({ id: 'Error' });
  const json = (schema: z.ZodType, description: string): ResponseConfig => ({
    description,
    content: { 'application/json': { schema } },
  });
  const err = (description: string) => json(ErrorRef, description);
  const common = {
    '401': err('not logged in, or the session expired'),
    '403': err('the role may not do this'),
  };
  const idParam = z.object({ id: IdSchema });
  const body = (schema: z.ZodType) => ({
    body: { required: true, content: { 'application/json': { schema } } },
  });

  const Screen = ScreenDetailSchema.meta({ id: 'Screen' });
  const Campaign = CampaignViewSchema.meta({ id: 'Campaign' });
  const CampaignInput = CampaignInputSchema.meta({ id: 'CampaignInput' });
  const Command = CommandViewSchema.meta({ id: 'CommandView' });
  const Content = ContentViewSchema.meta({ id: 'Content' });

  reg.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: 200 when the server and its broker are up',
    responses: {
      '200': json(
        HealthzSchema,
        'up; feeds: counts of the poller sources (their detail is in /api/v1/feeds/health)',
      ),
      '503': json(HealthzSchema, 'not ready'),
    },
  });
  reg.registerPath({
    method: 'post',
    path: '/api/v1/session',
    summary: 'Log in',
    request: body(SessionRequestSchema),
    responses: {
      '200': json(SessionResponseSchema.extend({ expiresAt: z.string() }), 'a bearer token and the role'),
      '400': err('invalid body'),
      '401': err('wrong username or password'),
      '429': err('too many attempts'),
    },
  });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/session',
    summary: 'The current session',
    security,
    responses: { '200': json(SessionInfoSchema, 'who is logged in'), '401': common['401'] },
  });
  reg.registerPath({
    method: 'delete',
    path: '/api/v1/session',
    summary: 'Log out',
    security,
    responses: { '204': { description: 'logged out' }, '401': common['401'] },
  });

  reg.registerPath({
    method: 'get',
    path: '/api/v1/screens',
    summary: 'Screens with presence and latest health',
    security,
    responses: { '200': json(ScreenListSchema, 'screens'), ...common },
  });
  reg.registerPath({
    method: 'post',
    path: '/api/v1/screens',
    summary: 'Provision a screen (admin); the device token is shown this once',
    security,
    request: body(ScreenCreateSchema),
    responses: {
      '201': json(ScreenCreatedSchema, 'created'),
      '400': err('invalid body'),
      '409': err('id taken'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/screens/{id}',
    summary: 'One screen',
    security,
    request: { params: idParam },
    responses: { '200': json(Screen, 'the screen'), '404': err('no such screen'), ...common },
  });
  reg.registerPath({
    method: 'put',
    path: '/api/v1/screens/{id}',
    summary: 'Change a screen (admin); the new config is published retained at once',
    security,
    request: { params: idParam, ...body(ScreenUpdateSchema) },
    responses: {
      '200': json(Screen, 'updated'),
      '400': err('invalid body'),
      '404': err('no such screen'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'delete',
    path: '/api/v1/screens/{id}',
    summary: 'Remove a screen (admin); its retained config is cleared',
    security,
    request: { params: idParam },
    responses: { '204': { description: 'removed' }, '404': err('no such screen'), ...common },
  });
  reg.registerPath({
    method: 'post',
    path: '/api/v1/screens/{id}/token',
    summary: 'Issue a new device token (admin); the old one stops working',
    security,
    request: { params: idParam },
    responses: {
      '200': json(TokenRotatedSchema, 'the new token, shown this once'),
      '404': err('no such screen'),
      ...common,
    },
  });

  reg.registerPath({
    method: 'post',
    path: '/api/v1/screens/{id}/commands',
    summary: 'Send a command (admin, technician); its result is readable later',
    security,
    request: { params: idParam, ...body(CommandRequestSchema) },
    responses: {
      '202': json(CommandAcceptedSchema, 'sent'),
      '400': err('invalid body'),
      '404': err('no such screen'),
      '503': err('broker unavailable'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/screens/{id}/commands',
    summary: 'Recent commands of a screen',
    security,
    request: { params: idParam },
    responses: {
      '200': json(z.object({ commands: z.array(Command) }), 'commands, newest first'),
      '404': err('no such screen'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/screens/{id}/commands/{cmdId}',
    summary: 'A command and its result',
    security,
    request: { params: z.object({ id: IdSchema, cmdId: IdSchema }) },
    responses: { '200': json(Command, 'the command'), '404': err('no such command'), ...common },
  });

  reg.registerPath({
    method: 'get',
    path: '/api/v1/campaigns',
    summary: 'Campaigns with targeting, schedule and delivery state',
    security,
    responses: { '200': json(CampaignListSchema, 'campaigns'), ...common },
  });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/campaigns/{id}',
    summary: 'One campaign',
    security,
    request: { params: idParam },
    responses: { '200': json(Campaign, 'the campaign'), '404': err('no such campaign'), ...common },
  });
  reg.registerPath({
    method: 'post',
    path: '/api/v1/campaigns',
    summary: 'Create a campaign (admin, operator); published at once',
    security,
    request: body(CampaignInput),
    responses: {
      '201': json(CampaignWrittenSchema, 'created and published'),
      '400': err('invalid body'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'put',
    path: '/api/v1/campaigns/{id}',
    summary: 'Replace a campaign (admin, operator); the new version is published at once',
    security,
    request: { params: idParam, ...body(CampaignInput) },
    responses: {
      '200': json(CampaignWrittenSchema, 'updated and published'),
      '400': err('invalid body'),
      '404': err('no such campaign'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'delete',
    path: '/api/v1/campaigns/{id}',
    summary: 'Delete a campaign (admin, operator); the retained campaign is cleared',
    security,
    request: { params: idParam },
    responses: { '204': { description: 'deleted' }, '404': err('no such campaign'), ...common },
  });

  const sha = z.object({ sha256: z.string().regex(/^[a-f0-9]{64}$/) });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/content',
    summary: 'Uploaded content',
    security,
    responses: { '200': json(z.object({ content: z.array(Content) }), 'content'), ...common },
  });
  reg.registerPath({
    method: 'post',
    path: '/api/v1/content',
    summary:
      'Upload an image or video (admin, operator): the raw bytes as the body, the type as Content-Type',
    security,
    request: {
      query: z.object({ name: z.string().optional() }),
      body: {
        required: true,
        content: Object.fromEntries(
          ALLOWED_MIME.map((m) => [m, { schema: { type: 'string', format: 'binary' } }]),
        ),
      },
    },
    responses: {
      '201': json(Content, 'stored'),
      '200': json(Content, 'already stored'),
      '413': err('too large'),
      '415': err('type not allowed or bytes do not match it'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/content/{sha256}',
    summary: 'One uploaded content entry: its size, type, name and asset reference',
    security,
    request: { params: sha },
    responses: { '200': json(Content, 'the content entry'), '404': err('no such content'), ...common },
  });
  reg.registerPath({
    method: 'delete',
    path: '/api/v1/content/{sha256}',
    summary: 'Delete uploaded content (admin, operator) that no campaign uses',
    security,
    request: { params: sha },
    responses: {
      '204': { description: 'deleted' },
      '404': err('no such content'),
      '409': err('a campaign uses it'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'get',
    path: '/content/{sha256}',
    summary: 'Download content by its sha256 (screens and users); supports Range',
    security,
    request: { params: sha },
    responses: {
      '200': { description: 'the file' },
      '206': { description: 'the requested range' },
      '401': common['401'],
      '404': err('no such content'),
      '416': err('range not satisfiable'),
    },
  });
  const Group = GroupViewSchema.meta({ id: 'Group' });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/groups',
    summary: 'Screen groups with their member counts',
    security,
    responses: { '200': json(z.object({ groups: z.array(Group) }), 'groups'), ...common },
  });
  reg.registerPath({
    method: 'put',
    path: '/api/v1/groups/{id}',
    summary: 'Create or rename a group (admin, operator)',
    security,
    request: { params: idParam, ...body(GroupBodySchema) },
    responses: {
      '201': json(Group, 'created'),
      '200': json(Group, 'updated'),
      '400': err('invalid body or id'),
      ...common,
    },
  });
  reg.registerPath({
    method: 'delete',
    path: '/api/v1/groups/{id}',
    summary: 'Delete a group name (admin, operator); screens keep the id',
    security,
    request: { params: idParam },
    responses: { '204': { description: 'deleted' }, '404': err('no such group'), ...common },
  });
  reg.registerPath({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    responses: { '200': { description: 'OpenAPI 3.1' } },
  });
  reg.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: { '200': { description: 'text exposition format' } },
  });

  // Routes other modules mounted through `extend` and described with ctx.documentRoute().
  for (const route of extra) reg.registerPath({ security, ...route });

  return new OpenApiGeneratorV31(reg.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Stander control server',
      version: PROTOCOL_VERSION,
      description: 'REST API of the Stander control server. JSON everywhere; errors are {error, issues?}.',
    },
    servers: [{ url: '/' }],
  }) as unknown as Record<string, unknown>;
}

/** Builds the document: the API's own routes plus those documented by other modules. */
export function openApiDocument(extra: readonly RouteConfig[] = []): Record<string, unknown> {
  return build(extra);
}
