import { namedFlavor } from '@protomaps/basemaps';
import type L from 'leaflet';
import {
  type Feature,
  GeomType,
  LineSymbolizer,
  leafletLayer,
  type PaintRule,
  PolygonSymbolizer,
  paintRules,
} from 'protomaps-leaflet';
import type { TileSource } from '../lib/tiles.ts';

/**
 * Vector tiles (MVT) from the agent's tiles file, drawn on canvas by protomaps-leaflet. Loaded as
 * its own chunk, only when the file is a vector one. A file in the Protomaps basemap schema gets
 * that project's own light style; any other schema (OpenMapTiles and the like) is drawn by layer
 * name: water, green areas, buildings and roads. No labels: the kiosk's own markers name places.
 */

export interface VectorColours {
  land: string;
  water: string;
}

const GREEN = '#cfe5c4';
const BUILDING = '#ddd6ca';
const ROAD = '#ffffff';
const ROAD_CASING = '#c9c2b6';

const isPolygon = (_z: number, f: Feature) => f.geomType === GeomType.Polygon;
const isLine = (_z: number, f: Feature) => f.geomType === GeomType.Line;

/** Paint rules for a schema we only know by its layer names. */
export function genericRules(layers: readonly string[], c: VectorColours): PaintRule[] {
  const by = (re: RegExp) => layers.filter((l) => re.test(l));
  const green = by(/park|landcover|landuse|green|wood|forest|grass|nature/i);
  const water = by(/water|ocean|sea|lake|river|hydro/i);
  const buildings = by(/building/i);
  const roads = by(/transport|road|street|highway|rail|path/i);
  const width = (z: number) => Math.max(1, (z - 10) * 1.2);
  return [
    ...green.map((l) => ({
      dataLayer: l,
      filter: isPolygon,
      symbolizer: new PolygonSymbolizer({ fill: GREEN }),
    })),
    ...water.map((l) => ({
      dataLayer: l,
      filter: isPolygon,
      symbolizer: new PolygonSymbolizer({ fill: c.water }),
    })),
    ...water.map((l) => ({
      dataLayer: l,
      filter: isLine,
      symbolizer: new LineSymbolizer({ color: c.water, width }),
    })),
    ...buildings.map((l) => ({
      dataLayer: l,
      minzoom: 14,
      filter: isPolygon,
      symbolizer: new PolygonSymbolizer({ fill: BUILDING }),
    })),
    ...roads.map((l) => ({
      dataLayer: l,
      filter: isLine,
      symbolizer: new LineSymbolizer({ color: ROAD_CASING, width: (z: number) => width(z) + 2 }),
    })),
    ...roads.map((l) => ({
      dataLayer: l,
      filter: isLine,
      symbolizer: new LineSymbolizer({ color: ROAD, width }),
    })),
  ];
}

export function vectorTileLayer(tiles: TileSource, bounds: L.LatLngBounds, c: VectorColours): L.Layer {
  const protomapsSchema = tiles.layers.includes('earth') && tiles.layers.includes('roads');
  return leafletLayer({
    url: tiles.template,
    maxDataZoom: tiles.maxzoom,
    bounds,
    paintRules: protomapsSchema ? paintRules(namedFlavor('light')) : genericRules(tiles.layers, c),
    labelRules: [],
    // Protomaps draws land (earth) on water; other schemas draw water on land.
    backgroundColor: protomapsSchema ? c.water : c.land,
    className: 'file-tiles vector-tiles',
    // The file's own attribution is shown by the map (as text); not the library's default links.
    attribution: '',
  }) as unknown as L.Layer;
}
