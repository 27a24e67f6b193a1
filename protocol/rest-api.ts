import { z } from 'zod';
import { AssetRefSchema, CampaignSchema } from './schemas/campaign.ts';
import { IdSchema, IsoDateTime, LanguageSchema } from './schemas/common.ts';
import { CommandResultSchema, DisplayHoursSchema, ScreenThemeSchema } from './schemas/screen.ts';
import { FeedSubscriptionsSchema, RoleSchema, ScreenViewSchema } from './rest.ts';

/** Answers of /api/v1 beyond rest.ts (additive): what the control server returns, typed for clients. */

export const ScreenDetailSchema = ScreenViewSchema.extend({
  languages: z.array(LanguageSchema),
  defaultLanguage: LanguageSchema,
  feeds: FeedSubscriptionsSchema,
  displayHours: DisplayHoursSchema.nullable(),
  /** Optional for answers of older servers; this one always sends it ('auto' when not pinned). */
  theme: ScreenThemeSchema.optional(),
  /** Version of the retained config last published. */
  configVersion: z.number().int().positive(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type ScreenDetail = z.infer<typeof ScreenDetailSchema>;
export const ScreenListSchema = z.object({ screens: z.array(ScreenDetailSchema) });

export const DeliveryStateSchema = z.object({
  /** Screens the campaign is aimed at. */
  targeted: z.number().int().nonnegative(),
  /** ... of which hold the current version with every asset verified. */
  have: z.number().int().nonnegative(),
});

export const CampaignViewSchema = CampaignSchema.extend({
  createdAt: IsoDateTime,
  createdBy: z.string(),
  updatedBy: z.string(),
  /** Null when the server has no delivery tracking wired in. */
  delivery: DeliveryStateSchema.nullable(),
});
export type CampaignView = z.infer<typeof CampaignViewSchema>;
export const CampaignListSchema = z.object({ campaigns: z.array(CampaignViewSchema) });

export const CampaignWrittenSchema = z.object({
  id: IdSchema,
  version: z.number().int().positive(),
  /** False when the retained publish failed; the campaign is stored and re-published on restart. */
  published: z.boolean(),
});

export const TokenRotatedSchema = z.object({ id: IdSchema, token: z.string() });
export const CommandAcceptedSchema = z.object({ id: IdSchema });

export const CommandViewSchema = z.object({
  id: IdSchema,
  screenId: IdSchema,
  type: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  issuedAt: IsoDateTime,
  issuedBy: z.string(),
  state: z.enum(['pending', 'ok', 'failed']),
  result: CommandResultSchema.nullable(),
  resultAt: IsoDateTime.nullable(),
});
export type CommandView = z.infer<typeof CommandViewSchema>;

/** An uploaded file; `asset` can be put into an image or video slide as it is. */
export const ContentViewSchema = z.object({
  sha256: z.string(),
  size: z.number().int(),
  mime: z.string(),
  name: z.string(),
  uploadedAt: IsoDateTime,
  uploadedBy: z.string(),
  asset: AssetRefSchema,
});
export type ContentView = z.infer<typeof ContentViewSchema>;

export const SessionInfoSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  expiresAt: IsoDateTime,
});
