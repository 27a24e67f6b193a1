import { z } from 'zod';

/** An id that is safe inside one MQTT topic level: no `/`, `+`, `#`, no spaces. */
export const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may only contain letters, digits, "_", "-" and "."')
  .refine((s) => s !== '.' && s !== '..', 'must not be "." or ".."');

/** ISO 8601 date-time with an offset or Z, e.g. 2026-05-23T16:04:00+02:00. */
export const IsoDateTime = z.iso.datetime({ offset: true });

export const LanguageSchema = z
  .string()
  .regex(/^[a-z]{2}$/, 'must be a two-letter language code such as "da"');
export type Language = z.infer<typeof LanguageSchema>;
export const SUPPORTED_LANGUAGES = ['da', 'en', 'de'] as const;

/** Text in one or more languages: {"da": "...", "en": "..."}; at least one entry. */
export const LocalizedTextSchema = z
  .record(LanguageSchema, z.string().max(2000))
  .refine((r) => Object.keys(r).length > 0, 'needs text in at least one language');
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

export const LatLonSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type LatLon = z.infer<typeof LatLonSchema>;

/** "HH:MM", 00:00 to 24:00, in Europe/Copenhagen local time. */
export const ClockTimeSchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time of day as "HH:MM"');

export const ScreenProfileSchema = z.enum(['street-kiosk', 'info-screen', 'parking-post']);
export type ScreenProfile = z.infer<typeof ScreenProfileSchema>;
