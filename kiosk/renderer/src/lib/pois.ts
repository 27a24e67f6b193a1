import { z } from 'zod';
import raw from '../../../../content/pois.json' with { type: 'json' };

export const PoiKindSchema = z.enum(['stop', 'bath', 'parking', 'venue']);
export type PoiKind = z.infer<typeof PoiKindSchema>;

export const PoiSchema = z.object({
  id: z.string().min(1).max(100),
  kind: PoiKindSchema,
  /** The feed whose snapshot of the same id describes this point, if any. */
  feed: z.enum(['transport', 'water', 'parking']).optional(),
  name: z.string().min(1).max(200),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type Poi = z.infer<typeof PoiSchema>;

export const PoisFileSchema = z.object({
  attribution: z.string().optional(),
  points: z.array(PoiSchema).max(5000),
});

/** Points of interest shipped in content/pois.json, validated once at start. */
export function loadPois(): Poi[] {
  const r = PoisFileSchema.safeParse(raw);
  if (!r.success) {
    console.error('content/pois.json is invalid', r.error.issues);
    return [];
  }
  return r.data.points;
}
