import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clipRing, COPENHAGEN_BBOX, ringArea, simplifyRing } from './extract-basemap.ts';

describe('extract-basemap', () => {
  it('clips a ring to the box', () => {
    const box = { west: 0, south: 0, east: 1, north: 1 };
    const r = clipRing(
      [
        [-1, -1],
        [2, -1],
        [2, 2],
        [-1, 2],
        [-1, -1],
      ],
      box,
    );
    expect(ringArea(r)).toBeCloseTo(1);
    expect(
      clipRing(
        [
          [5, 5],
          [6, 5],
          [6, 6],
          [5, 5],
        ],
        box,
      ),
    ).toEqual([]);
  });
  it('simplifies collinear points away', () => {
    const r = simplifyRing(
      [
        [0, 0],
        [0.5, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
      0.001,
    );
    expect(r.length).toBe(5);
  });
  it('ships a small base map inside the Copenhagen box', () => {
    const text = readFileSync(new URL('../content/map/copenhagen-land.geojson', import.meta.url), 'utf8');
    expect(text.length).toBeLessThan(300_000);
    const fc = JSON.parse(text);
    const coords = fc.features[0].geometry.coordinates.flat(2) as number[][];
    expect(coords.length).toBeGreaterThan(100);
    for (const [x, y] of coords) {
      expect(x).toBeGreaterThanOrEqual(COPENHAGEN_BBOX.west);
      expect(x).toBeLessThanOrEqual(COPENHAGEN_BBOX.east);
      expect(y).toBeGreaterThanOrEqual(COPENHAGEN_BBOX.south);
      expect(y).toBeLessThanOrEqual(COPENHAGEN_BBOX.north);
    }
  });
});
