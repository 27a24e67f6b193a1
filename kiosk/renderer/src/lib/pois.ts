import { z } from 'zod';
import raw from '../../../../content/pois.json' with { type: 'json' };
import type { MapPoint } from '../components/LeafletMap.tsx';

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

/** The letter or sign in a point's map marker, by kind. */
export const POI_GLYPH: Record<PoiKind, string> = { stop: 'B', bath: '≈', parking: 'P', venue: '★' };

/** Map markers for points; `kindName` gives the translated kind for the accessible label. */
export function poiMapPoints(pois: readonly Poi[], kindName: (kind: PoiKind) => string): MapPoint[] {
  return pois.map((p) => ({
    id: p.id,
    kind: p.kind,
    lat: p.lat,
    lon: p.lon,
    glyph: POI_GLYPH[p.kind],
    label: `${kindName(p.kind)}: ${p.name}`,
  }));
}
