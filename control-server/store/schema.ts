import { z } from 'zod';
import {
  CampaignSchema,
  CommandResultSchema,
  DisplayHoursSchema,
  IdSchema,
  IsoDateTime,
  LanguageSchema,
  LatLonSchema,
  RoleSchema,
  ScreenProfileSchema,
  ScreenThemeSchema,
} from '../../protocol/index.ts';

/**
 * The control server's database: one JSON document (lowdb), validated with zod when it is read.
 * `schemaVersion` names the shape; older documents are migrated on open (migrations.ts).
 */
export const SCHEMA_VERSION = 2;

export const FeedSubscriptionsRecord = z.object({
  transport: z.array(IdSchema),
  parking: z.array(IdSchema),
  water: z.array(IdSchema),
  events: z.array(IdSchema),
});

export const ScreenRecordSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(200),
  profile: ScreenProfileSchema,
  location: LatLonSchema,
  groups: z.array(IdSchema),
  tags: z.array(z.string().min(1).max(64)),
  languages: z.array(LanguageSchema).min(1),
  defaultLanguage: LanguageSchema,
  feeds: FeedSubscriptionsRecord,
  displayHours: DisplayHoursSchema.nullable(),
  /** Absent = 'auto'. */
  theme: ScreenThemeSchema.optional(),
  healthIntervalS: z.number().int().min(5).max(3600).default(30),
  idleTimeoutS: z.number().int().min(10).max(3600).default(60),
  /** Hash of the device token: `sha256$<hex>`, or `scrypt$...` from before (passwords.ts). The token itself is never stored. */
  tokenHash: z.string().min(1),
  /** The same token hashed for Mosquitto's password file ($7$ PBKDF2-SHA512), when available. */
  mosquittoHash: z.string().min(1).optional(),
  /** Version of the retained config; bumped on every change. */
  configVersion: z.number().int().positive(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type ScreenRecord = z.infer<typeof ScreenRecordSchema>;

export const GroupRecordSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  createdAt: IsoDateTime,
});
export type GroupRecord = z.infer<typeof GroupRecordSchema>;

export const CampaignRecordSchema = z.object({
  /** Exactly what travels retained on v1/campaigns/{id}. */
  campaign: CampaignSchema,
  createdAt: IsoDateTime,
  createdBy: z.string(),
  updatedBy: z.string(),
});
export type CampaignRecord = z.infer<typeof CampaignRecordSchema>;

/** A deleted campaign, remembered so its retained message is cleared again after a restart. */
export const CampaignTombstoneSchema = z.object({
  id: IdSchema,
  version: z.number().int().positive(),
  deletedAt: IsoDateTime,
  deletedBy: z.string(),
});
export type CampaignTombstone = z.infer<typeof CampaignTombstoneSchema>;

export const ContentRecordSchema = z.object({
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  size: z.number().int().nonnegative(),
  mime: z.string(),
  name: z.string().max(300),
  uploadedAt: IsoDateTime,
  uploadedBy: z.string(),
});
export type ContentRecord = z.infer<typeof ContentRecordSchema>;

export const UserRecordSchema = z.object({
  username: z.string().min(1).max(100),
  role: RoleSchema,
  passwordHash: z.string().min(1),
  createdAt: IsoDateTime,
  disabled: z.boolean().default(false),
});
export type UserRecord = z.infer<typeof UserRecordSchema>;

export const AuditOutcomeSchema = z.enum(['ok', 'denied', 'invalid', 'not-found', 'error']);
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;

export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: IsoDateTime,
  /** Username, `screen:{id}`, `anonymous` or `system`. */
  actor: z.string(),
  /** e.g. "POST /api/v1/campaigns" or "campaign.create". */
  action: z.string(),
  /** What was acted on, e.g. "campaign:summer-2026"; null when nothing specific. */
  target: z.string().nullable(),
  outcome: AuditOutcomeSchema,
  status: z.number().int().optional(),
  ip: z.string().optional(),
  detail: z.string().max(500).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const CommandRecordSchema = z.object({
  id: IdSchema,
  screenId: IdSchema,
  type: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  issuedAt: IsoDateTime,
  issuedBy: z.string(),
  result: CommandResultSchema.nullable(),
  resultAt: IsoDateTime.nullable(),
});
export type CommandRecord = z.infer<typeof CommandRecordSchema>;

export const DatabaseSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** Next audit sequence number. */
  auditSeq: z.number().int().positive(),
  screens: z.array(ScreenRecordSchema),
  groups: z.array(GroupRecordSchema),
  campaigns: z.array(CampaignRecordSchema),
  campaignTombstones: z.array(CampaignTombstoneSchema),
  content: z.array(ContentRecordSchema),
  users: z.array(UserRecordSchema),
  audit: z.array(AuditEntrySchema),
  commands: z.array(CommandRecordSchema),
});
export type Database = z.infer<typeof DatabaseSchema>;

export function emptyDatabase(): Database {
  return {
    schemaVersion: SCHEMA_VERSION,
    auditSeq: 1,
    screens: [],
    groups: [],
    campaigns: [],
    campaignTombstones: [],
    content: [],
    users: [],
    audit: [],
    commands: [],
  };
}
