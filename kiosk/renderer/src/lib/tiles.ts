import { useEffect, useState } from 'react';
import { type TilesMetadata, TilesMetadataSchema } from '../../../agent/tiles/types.ts';

/**
 * The base map the screen's agent offers: GET tiles/metadata.json on the UI server (kiosk/agent/tiles).
 * Only asked where the page comes from an agent (served over http(s), not a dashboard preview or
 * the fixture bridge); anything but a valid `ok` answer keeps the built-in GeoJSON base map.
 * Raster files become a Leaflet tile layer, vector (pbf) files a protomaps-leaflet canvas layer.
 */

export type TileSource = Extract<TilesMetadata, { state: 'ok' }> & {
  /** Absolute Leaflet URL template. */
  template: string;
};

/** A failed or unusable answer is asked again after this long (the agent retries its file too). */
const RETRY_MS = 60_000;

let cached: { at: number; value: Promise<TileSource | null> } | null = null;

export function agentServesTiles(loc: Pick<Location, 'protocol' | 'search'>): boolean {
  if (!loc.protocol.startsWith('http')) return false;
  const bridge = new URLSearchParams(loc.search).get('bridge');
  return bridge !== 'preview' && bridge !== 'fixture';
}

/** Validates a metadata answer and turns its relative tile URL into a template against `base`. */
export function tileSourceFrom(json: unknown, base: string): TileSource | null {
  const r = TilesMetadataSchema.safeParse(json);
  if (!r.success || r.data.state !== 'ok') return null;
  if (!/^tiles\/\{z\}\/\{x\}\/\{y\}\.[a-z]+(\?v=[0-9a-f]+)?$/.test(r.data.tileUrl)) return null;
  return { ...r.data, template: new URL('./', base).href + r.data.tileUrl };
}

async function fetchTiles(): Promise<TileSource | null> {
  try {
    const res = await fetch(new URL('tiles/metadata.json', document.baseURI), { cache: 'no-cache' });
    if (!res.ok) return null;
    return tileSourceFrom(await res.json(), document.baseURI);
  } catch {
    return null;
  }
}

export function loadTiles(now = Date.now()): Promise<TileSource | null> {
  if (!agentServesTiles(window.location)) return Promise.resolve(null);
  if (cached && now - cached.at < RETRY_MS) return cached.value;
  const value = fetchTiles();
  cached = { at: now, value };
  // A good answer holds for the page's life (the URL carries the file's version).
  void value.then((v) => {
    if (v && cached?.value === value) cached.at = Number.POSITIVE_INFINITY;
  });
  return value;
}

/** The agent's tiles, or null for the built-in base map (also while asking). */
export function useMapTiles(): TileSource | null {
  const [tiles, setTiles] = useState<TileSource | null>(null);
  useEffect(() => {
    let live = true;
    void loadTiles().then((t) => {
      if (live) setTiles(t);
    });
    return () => {
      live = false;
    };
  }, []);
  return tiles;
}
