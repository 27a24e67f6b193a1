import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FeedKindSchema, IdSchema } from '../../protocol/index.ts';
import { FORMAT_IDS, adapterFor } from './adapters/index.ts';

const HttpInput = z.object({
  /** http(s) URL; `${VAR}` is replaced from the environment when fetching (keys stay out of the file). */
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${VAR} placeholder syntax of feeds.json
  url: z.string().regex(/^(?:https?:\/\/|\$\{[A-Z0-9_]+\})/, 'must be an http(s) URL (or start with ${VAR})'),
  /** Extra request headers, e.g. an API key; `${VAR}` is replaced from the environment. */
  headers: z.record(z.string(), z.string()).default({}),
  timeoutS: z.number().positive().max(300).default(20),
  /** Fetch this input at most this often (a GTFS static zip changes daily, its realtime feed every few seconds). */
  refreshS: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 3600)
    .optional(),
});
const FileInput = z.object({
  /** Relative to the directory of the configuration file. */
  file: z.string().min(1),
  refreshS: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 3600)
    .optional(),
});
export const InputSchema = z.union([HttpInput, FileInput]);
export type InputConfig = z.infer<typeof InputSchema>;

export const SourceSchema = z
  .object({
    id: IdSchema,
    kind: FeedKindSchema,
    format: z
      .string()
      .refine((f) => FORMAT_IDS.includes(f), { message: `must be one of ${FORMAT_IDS.join(', ')}` }),
    enabled: z.boolean().default(true),
    /** The main document. */
    input: InputSchema,
    /** Companion documents by role: `realtime` (GTFS-RT), `table` (DATEX II parking table), `locations` (GeoJSON). */
    inputs: z.partialRecord(z.enum(['realtime', 'table', 'locations']), InputSchema).default({}),
    intervalS: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .default(60),
    /** Upper bound of the back-off after failures. */
    maxBackoffS: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .default(900),
    ttlS: z
      .number()
      .int()
      .positive()
      .max(30 * 24 * 3600)
      .optional(),
    demo: z.boolean().default(false),
    /** Language of texts that carry none (iCalendar SUMMARY without LANGUAGE, ...). */
    lang: z
      .string()
      .regex(/^[a-z]{2}$/)
      .optional(),
    /** Events: how many days ahead the window reaches. */
    windowDays: z.number().int().min(1).max(365).optional(),
    /** Format-specific options (stop or zone mapping, events area, ...). */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((s) => adapterFor(s.format)?.kind === s.kind, {
    message: 'format does not produce this kind of feed',
    path: ['format'],
  });
export type SourceConfig = z.infer<typeof SourceSchema>;

export const FeedsConfigSchema = z
  .object({
    version: z.literal(1),
    sources: z.array(SourceSchema).max(500),
  })
  .refine((c) => new Set(c.sources.map((s) => s.id)).size === c.sources.length, {
    message: 'source ids must be unique',
    path: ['sources'],
  });
export type FeedsConfig = z.infer<typeof FeedsConfigSchema>;

/** Reads and validates content/feeds.json; errors name the file and the offending field. */
export async function loadFeedsConfig(file: string): Promise<{ config: FeedsConfig; baseDir: string }> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`feeds config ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new Error(`feeds config ${file}: not valid JSON (${(e as Error).message})`);
  }
  const r = FeedsConfigSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`feeds config ${file}: ${i?.path.join('.') || '(root)'}: ${i?.message ?? 'invalid'}`);
  }
  return { config: r.data, baseDir: path.dirname(path.resolve(file)) };
}

/** Replaces `${NAME}` with environment variables (API keys stay out of the file). */
export function expandEnv(s: string, env: NodeJS.ProcessEnv = process.env): string {
  return s.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined) throw new Error(`environment variable ${name} is not set`);
    return v;
  });
}
