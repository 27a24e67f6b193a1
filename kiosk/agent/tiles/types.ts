import { z } from 'zod';

/** Tile formats a local tiles file may hold. Raster formats are drawn by the kiosk map; pbf is vector. */
export const TileFormatSchema = z.enum(['png', 'jpg', 'webp', 'pbf']);
export type TileFormat = z.infer<typeof TileFormatSchema>;

export const TILE_MIME: Record<TileFormat, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  pbf: 'application/vnd.mapbox-vector-tile',
};

/** What a tiles file says about itself, normalised across MBTiles and PMTiles. */
export interface TileArchiveInfo {
  kind: 'mbtiles' | 'pmtiles';
  format: TileFormat;
  minzoom: number;
  maxzoom: number;
  /** [west, south, east, north] in degrees, or null when the file does not say. */
  bounds: [number, number, number, number] | null;
  /** Plain text (markup in the file is reduced to its text). */
  attribution: string;
  name: string;
  /** Vector files: the ids of their layers (vector_layers), for the renderer's paint rules. */
  layers: string[];
}

/** An open, read-only tiles file. Coordinates are XYZ (y down), as Leaflet asks for them. */
export interface TileArchive {
  readonly info: TileArchiveInfo;
  /** The tile's bytes as stored (a vector tile may be gzip-compressed), or null when there is none. */
  getTile(z: number, x: number, y: number): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/**
 * GET /tiles/metadata.json of the kiosk's UI server: what the renderer draws its base map from.
 * `state` is `ok` with a readable file, `error` for a file that is missing or unreadable (the
 * renderer keeps its built-in base map), `off` when none is set.
 */
export const TilesMetadataSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ok'),
    kind: z.enum(['mbtiles', 'pmtiles']),
    format: TileFormatSchema,
    /** Relative to the UI server's root, with {z}/{x}/{y}; carries a version so caches stay correct. */
    tileUrl: z.string().max(200),
    minzoom: z.number().int().min(0).max(30),
    maxzoom: z.number().int().min(0).max(30),
    bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
    attribution: z.string().max(1000),
    name: z.string().max(200),
    layers: z.array(z.string().max(100)).max(200).default([]),
  }),
  z.object({
    state: z.enum(['off', 'error']),
    message: z.string().max(500).optional(),
  }),
]);
export type TilesMetadata = z.infer<typeof TilesMetadataSchema>;

/** Reduces attribution markup (`<a href=…>© OSM</a>`) to its text, so it can never inject markup. */
export function attributionText(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const text = raw
    .replace(/<[^>]*>/g, '')
    .replace(/&copy;/gi, '©')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d{1,6});/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/\s+/g, ' ')
    .trim();
  return text.slice(0, 1000);
}

/** Guesses a tile format from its first bytes (for files whose metadata does not name it). */
export function sniffFormat(b: Uint8Array): TileFormat | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) return 'webp';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'pbf';
  if (b.length >= 1 && b[0] === 0x1a) return 'pbf'; // an uncompressed vector tile starts with a layer (field 3)
  return null;
}

export function normaliseFormat(v: unknown): TileFormat | null {
  if (typeof v !== 'string') return null;
  const f = v.trim().toLowerCase();
  if (f === 'jpeg') return 'jpg';
  if (f === 'mvt') return 'pbf';
  const r = TileFormatSchema.safeParse(f);
  return r.success ? r.data : null;
}

/** Accepts [w,s,e,n] only when it is a real box on the globe. */
export function validBounds(b: readonly number[]): [number, number, number, number] | null {
  if (b.length !== 4 || b.some((n) => !Number.isFinite(n))) return null;
  const [w, s, e, n] = b as [number, number, number, number];
  if (w < -180 || e > 180 || s < -90 || n > 90 || w >= e || s >= n) return null;
  return [w, s, e, n];
}

/** The layer ids of a TileJSON-style `vector_layers` list (MBTiles `json`, PMTiles metadata). */
export function vectorLayerIds(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const ids: string[] = [];
  for (const l of v) {
    const id = l && typeof l === 'object' ? (l as { id?: unknown }).id : undefined;
    if (typeof id === 'string' && id.length > 0 && id.length <= 100) ids.push(id);
    if (ids.length >= 200) break;
  }
  return ids;
}
