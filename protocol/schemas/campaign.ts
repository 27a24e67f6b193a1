import { z } from 'zod';
import { ClockTimeSchema, IdSchema, IsoDateTime, LatLonSchema, LocalizedTextSchema } from './common.ts';

export const PrioritySchema = z.enum(['normal', 'high', 'emergency']);
export type Priority = z.infer<typeof PrioritySchema>;

/** A media file named by its content: screens download it over HTTP and verify the sha256. */
export const AssetRefSchema = z.object({
  sha256: z.string().regex(/^[a-f0-9]{64}$/, 'must be 64 lowercase hex characters'),
  size: z
    .number()
    .int()
    .positive()
    .max(2 * 1024 ** 3),
  mime: z.string().regex(/^(image|video)\/[a-z0-9.+-]+$/, 'must be an image/* or video/* type'),
  /** Path or URL relative to the control server, e.g. /content/{sha256}. */
  url: z.string().min(1).max(500),
});
export type AssetRef = z.infer<typeof AssetRefSchema>;

const durationS = z.number().int().min(2).max(600);

export const TextSlideSchema = z.object({
  kind: z.literal('text'),
  title: LocalizedTextSchema,
  body: LocalizedTextSchema.optional(),
  durationS,
});
export const ImageSlideSchema = z.object({
  kind: z.literal('image'),
  asset: AssetRefSchema,
  title: LocalizedTextSchema.optional(),
  /** Alternative text, read aloud and shown to screen readers. */
  alt: LocalizedTextSchema.optional(),
  durationS,
});
export const VideoSlideSchema = z.object({
  kind: z.literal('video'),
  asset: AssetRefSchema,
  title: LocalizedTextSchema.optional(),
  alt: LocalizedTextSchema.optional(),
  durationS,
});
export const SlideSchema = z.discriminatedUnion('kind', [
  TextSlideSchema,
  ImageSlideSchema,
  VideoSlideSchema,
]);
export type Slide = z.infer<typeof SlideSchema>;

export const TargetSchema = z
  .object({
    all: z.boolean().optional(),
    groups: z.array(IdSchema).max(100).optional(),
    tags: z.array(z.string().min(1).max(64)).max(100).optional(),
    screens: z.array(IdSchema).max(10_000).optional(),
    area: LatLonSchema.extend({ radiusM: z.number().positive().max(100_000) }).optional(),
  })
  .refine(
    (t) => t.all === true || !!t.groups?.length || !!t.tags?.length || !!t.screens?.length || !!t.area,
    'must aim at something: all, groups, tags, screens or an area',
  );
export type Target = z.infer<typeof TargetSchema>;

export const DailyWindowSchema = z.object({ from: ClockTimeSchema, to: ClockTimeSchema });

export const ScheduleSchema = z
  .object({
    /** Inclusive start, ISO 8601; absent = already started. */
    start: IsoDateTime.optional(),
    /** Exclusive end; absent = open-ended. */
    end: IsoDateTime.optional(),
    /** ISO weekdays 1 (Monday) to 7 (Sunday) in Europe/Copenhagen; absent = every day. */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    /** Daily windows in Europe/Copenhagen local time; a window whose `to` is before `from` runs past midnight. */
    daily: z.array(DailyWindowSchema).max(24).optional(),
  })
  .refine((s) => !s.start || !s.end || Date.parse(s.start) < Date.parse(s.end), {
    message: 'end must be after start',
    path: ['end'],
  });
export type Schedule = z.infer<typeof ScheduleSchema>;

/** What an operator sends: the campaign without server-assigned fields. */
export const CampaignInputSchema = z.object({
  name: z.string().min(1).max(200),
  priority: PrioritySchema.default('normal'),
  target: TargetSchema,
  schedule: ScheduleSchema.optional(),
  slides: z.array(SlideSchema).min(1).max(50),
});
export type CampaignInput = z.input<typeof CampaignInputSchema>;

/** What travels retained on v1/campaigns/{id}. */
export const CampaignSchema = CampaignInputSchema.extend({
  id: IdSchema,
  /** Increases with every change; screens report the versions they hold. */
  version: z.number().int().positive(),
  updatedAt: IsoDateTime,
});
export type Campaign = z.infer<typeof CampaignSchema>;
