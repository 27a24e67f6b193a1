import { z } from 'zod';
import {
  ClockTimeSchema,
  IdSchema,
  IsoDateTime,
  LanguageSchema,
  LatLonSchema,
  ScreenProfileSchema,
} from './common.ts';
import { FeedKindSchema } from './feeds.ts';

export const DisplayHoursSchema = z.object({
  /** Europe/Copenhagen local time the display switches on and off; on == off means always on. */
  on: ClockTimeSchema,
  off: ClockTimeSchema,
});
export type DisplayHours = z.infer<typeof DisplayHoursSchema>;

/** A screen's colour theme: 'auto' follows the ambient light sensor, else the sun; 'day' or 'night' fixes it. */
export const ScreenThemeSchema = z.enum(['auto', 'day', 'night']);
export type ScreenTheme = z.infer<typeof ScreenThemeSchema>;

/** Retained on v1/screens/{id}/config. */
export const ScreenConfigSchema = z.object({
  screenId: IdSchema,
  name: z.string().min(1).max(200),
  profile: ScreenProfileSchema,
  location: LatLonSchema,
  languages: z.array(LanguageSchema).min(1).max(10),
  defaultLanguage: LanguageSchema,
  groups: z.array(IdSchema).max(100),
  tags: z.array(z.string().min(1).max(64)).max(100),
  feeds: z.object({
    transport: z.array(IdSchema).max(20),
    parking: z.array(IdSchema).max(50),
    water: z.array(IdSchema).max(20),
    events: z.array(IdSchema).max(10),
  }),
  displayHours: DisplayHoursSchema.nullable(),
  healthIntervalS: z.number().int().min(5).max(3600).default(30),
  /** Seconds of no touch before the "Still there?" prompt (street kiosk). */
  idleTimeoutS: z.number().int().min(10).max(3600).default(60),
  /** Public base URL of the mobile companion, for QR hand-off codes. */
  mobileBaseUrl: z.string().max(300).optional(),
  /**
   * Optional, additive: the UI's colour theme. 'auto' (the default when absent) follows the ambient
   * light sensor, else sunrise and sunset at the screen's location; 'day' or 'night' fixes it.
   */
  theme: ScreenThemeSchema.optional(),
  version: z.number().int().positive(),
  updatedAt: IsoDateTime,
});
export type ScreenConfig = z.infer<typeof ScreenConfigSchema>;

const commandBase = { id: IdSchema, issuedAt: IsoDateTime };
export const CommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reload'), ...commandBase }),
  z.object({ type: z.literal('screenshot'), ...commandBase }),
  z.object({ type: z.literal('reboot'), ...commandBase }),
  z.object({ type: z.literal('brightness'), level: z.number().int().min(0).max(100), ...commandBase }),
  z.object({ type: z.literal('display'), on: z.boolean(), ...commandBase }),
  z.object({ type: z.literal('clear-cache'), ...commandBase }),
  z.object({
    type: z.literal('identify'),
    durationS: z.number().int().min(1).max(600).default(30),
    ...commandBase,
  }),
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandType = Command['type'];
export const COMMAND_TYPES = CommandSchema.options.map((o) => o.shape.type.value) as CommandType[];

/** Published by a screen on v1/screens/{id}/cmd/result. */
export const CommandResultSchema = z.object({
  id: IdSchema,
  type: z.string().max(40),
  ok: z.boolean(),
  at: IsoDateTime,
  message: z.string().max(2000).optional(),
  /** e.g. the uploaded screenshot's content path. */
  data: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
});
export type CommandResult = z.infer<typeof CommandResultSchema>;

/** Campaigns a screen holds ready to play, as {id, version}; reported in status and health. */
export const HeldCampaignsSchema = z
  .array(z.object({ id: IdSchema, version: z.number().int().positive() }))
  .max(1000);
export type HeldCampaigns = z.infer<typeof HeldCampaignsSchema>;

/** Retained on v1/screens/{id}/status; the last will carries state "offline". */
export const StatusSchema = z.object({
  state: z.enum(['online', 'offline']),
  at: IsoDateTime,
  appVersion: z.string().max(50).optional(),
  contentVersion: z.string().max(100).optional(),
  /**
   * Optional, additive: the campaigns this screen holds ready to play (manifest received and every
   * asset downloaded and verified), with their versions. The dashboard's delivery view counts a
   * screen as having campaign C at version v when this list holds C at version >= v.
   */
  campaigns: HeldCampaignsSchema.optional(),
});
export type Status = z.infer<typeof StatusSchema>;

export const FreshnessStateSchema = z.enum(['fresh', 'stale', 'expired', 'missing']);

export const HealthSchema = z.object({
  at: IsoDateTime,
  uptimeS: z.number().nonnegative(),
  cpuPercent: z
    .number()
    .min(0)
    .max(100 * 256),
  memory: z.object({
    rssBytes: z.number().nonnegative(),
    freeBytes: z.number().nonnegative(),
    totalBytes: z.number().nonnegative(),
  }),
  disk: z.object({ freeBytes: z.number().nonnegative(), totalBytes: z.number().nonnegative() }).nullable(),
  temperatureC: z.number().min(-60).max(200).nullable(),
  display: z.object({ on: z.boolean(), brightness: z.number().min(0).max(100).nullable() }),
  feeds: z
    .array(
      z.object({
        kind: FeedKindSchema,
        id: IdSchema,
        ageS: z.number().nullable(),
        state: FreshnessStateSchema,
      }),
    )
    .max(200),
  contentVersion: z.string().max(100),
  /** Optional, additive: the same list as in status, so delivery is seen without a status change. */
  campaigns: HeldCampaignsSchema.optional(),
  downloads: z.object({
    pending: z.number().int().nonnegative(),
    bytesDone: z.number().nonnegative(),
    bytesTotal: z.number().nonnegative(),
  }),
  invalidMessages: z.number().int().nonnegative(),
  cacheCorruptions: z.number().int().nonnegative(),
  renderer: z.object({
    state: z.enum(['ok', 'crashed', 'unresponsive', 'blank', 'unknown']),
    restarts: z.number().int().nonnegative(),
  }),
  /** Largest wall-clock jump (seconds) seen since the last report; 0 when none. */
  clockJumpS: z.number().default(0),
  /**
   * Optional, additive: the local map tiles file (STANDER_MAP_TILES) of the kiosk map. `error` means
   * the map shows its built-in base map; counts are since the agent started.
   */
  mapTiles: z
    .object({
      state: z.enum(['off', 'ok', 'error']),
      kind: z.enum(['mbtiles', 'pmtiles']).optional(),
      format: z.string().max(10).optional(),
      message: z.string().max(500).optional(),
      served: z.number().int().nonnegative(),
      missing: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative(),
    })
    .optional(),
});
export type Health = z.infer<typeof HealthSchema>;

/** Proof of play and touch analytics, batched; no personal data. */
export const PlaysSchema = z.object({
  batchId: IdSchema,
  from: IsoDateTime,
  to: IsoDateTime,
  plays: z
    .array(
      z.object({
        campaignId: IdSchema,
        campaignVersion: z.number().int().positive(),
        slideIndex: z.number().int().nonnegative(),
        count: z.number().int().positive(),
        seconds: z.number().nonnegative(),
      }),
    )
    .max(5000),
  views: z.array(z.object({ view: z.string().max(40), count: z.number().int().positive() })).max(100),
  touches: z.number().int().nonnegative(),
});
export type Plays = z.infer<typeof PlaysSchema>;
