import { z } from 'zod';
import {
  IdSchema,
  IsoDateTime,
  LanguageSchema,
  LatLonSchema,
  ScreenProfileSchema,
} from './schemas/common.ts';
import { DisplayHoursSchema, HealthSchema, ScreenThemeSchema } from './schemas/screen.ts';

/** REST payloads of /api/v1 (request bodies validated by the server, answers typed for clients). */

export const RoleSchema = z.enum(['admin', 'operator', 'technician']);
export type Role = z.infer<typeof RoleSchema>;

export const SessionRequestSchema = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});
export const SessionResponseSchema = z.object({ token: z.string(), role: RoleSchema, username: z.string() });
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

export const FeedSubscriptionsSchema = z.object({
  transport: z.array(IdSchema).max(20).default([]),
  parking: z.array(IdSchema).max(50).default([]),
  water: z.array(IdSchema).max(20).default([]),
  events: z.array(IdSchema).max(10).default([]),
});

export const ScreenCreateSchema = z.object({
  /** Optional explicit id; generated from the name when absent. */
  id: IdSchema.optional(),
  name: z.string().min(1).max(200),
  profile: ScreenProfileSchema,
  location: LatLonSchema,
  groups: z.array(IdSchema).max(100).default([]),
  tags: z.array(z.string().min(1).max(64)).max(100).default([]),
  languages: z.array(LanguageSchema).min(1).max(10).default(['da', 'en', 'de']),
  defaultLanguage: LanguageSchema.default('da'),
  feeds: FeedSubscriptionsSchema.optional(),
  displayHours: DisplayHoursSchema.nullable().default(null),
  /** 'auto' (default): the ambient light sensor, else the sun; 'day' or 'night' pins the theme. */
  theme: ScreenThemeSchema.optional(),
});
export type ScreenCreate = z.input<typeof ScreenCreateSchema>;
/**
 * PUT /api/v1/screens/{id}: only the fields given change. Built without the create defaults (in zod 4
 * a default inside .partial() still fills absent keys, which would reset groups, languages, ...).
 */
export const ScreenUpdateSchema = z
  .object({
    name: z.string().min(1).max(200),
    profile: ScreenProfileSchema,
    location: LatLonSchema,
    groups: z.array(IdSchema).max(100),
    tags: z.array(z.string().min(1).max(64)).max(100),
    languages: z.array(LanguageSchema).min(1).max(10),
    defaultLanguage: LanguageSchema,
    feeds: z.object({
      transport: z.array(IdSchema).max(20),
      parking: z.array(IdSchema).max(50),
      water: z.array(IdSchema).max(20),
      events: z.array(IdSchema).max(10),
    }),
    displayHours: DisplayHoursSchema.nullable(),
    theme: ScreenThemeSchema,
  })
  .partial()
  .strict();
export type ScreenUpdate = z.input<typeof ScreenUpdateSchema>;

export const ScreenCreatedSchema = z.object({ id: IdSchema, token: z.string() });
export type ScreenCreated = z.infer<typeof ScreenCreatedSchema>;

export const ScreenViewSchema = z.object({
  id: IdSchema,
  name: z.string(),
  profile: ScreenProfileSchema,
  location: LatLonSchema,
  groups: z.array(z.string()),
  tags: z.array(z.string()),
  online: z.boolean(),
  lastSeen: IsoDateTime.nullable(),
  appVersion: z.string().nullable(),
  contentVersion: z.string().nullable(),
  health: HealthSchema.nullable(),
});
export type ScreenView = z.infer<typeof ScreenViewSchema>;

export const CommandRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reload') }),
  z.object({ type: z.literal('screenshot') }),
  z.object({ type: z.literal('reboot') }),
  z.object({ type: z.literal('brightness'), level: z.number().int().min(0).max(100) }),
  z.object({ type: z.literal('display'), on: z.boolean() }),
  z.object({ type: z.literal('clear-cache') }),
  z.object({ type: z.literal('identify'), durationS: z.number().int().min(1).max(600).optional() }),
]);
export type CommandRequest = z.infer<typeof CommandRequestSchema>;

export const ErrorResponseSchema = z.object({
  error: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** Most screens one POST /api/v1/screens/batch provisions. */
export const SCREEN_BATCH_MAX = 1000;
/**
 * POST /api/v1/screens/batch: provisions up to SCREEN_BATCH_MAX screens all or nothing. An invalid
 * item refuses the whole batch (400, each issue's path names it: `screens.{i}.location.lat`); so does
 * an explicit id that is taken (409, `screens.{i}.id`).
 */
export const ScreenBatchCreateSchema = z
  .object({ screens: z.array(ScreenCreateSchema).min(1).max(SCREEN_BATCH_MAX) })
  .strict();
export type ScreenBatchCreate = z.input<typeof ScreenBatchCreateSchema>;
/** The batch's device tokens, in the order of the request, shown this once. */
export const ScreenBatchCreatedSchema = z.object({ screens: z.array(ScreenCreatedSchema) });
export type ScreenBatchCreated = z.infer<typeof ScreenBatchCreatedSchema>;

/** GET /healthz: up or not, and (with a feed poller) counts of its sources; no source detail. */
export const HealthzSchema = z.object({
  ok: z.boolean(),
  feeds: z
    .object({
      sources: z.number().int().nonnegative(),
      ok: z.number().int().nonnegative(),
      failing: z.number().int().nonnegative(),
      waiting: z.number().int().nonnegative(),
    })
    .optional(),
});
export type Healthz = z.infer<typeof HealthzSchema>;
