import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import { PMTiles } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MBTILES_MAX_BYTES, openMbtiles } from './mbtiles.ts';
import { openPmtiles } from './pmtiles.ts';
import {
  mvtTile,
  pngTile,
  type TestTile,
  tilesFor,
  vectorTilesFor,
  writeMbtiles,
  writePmtiles,
} from './test-files.ts';
import { attributionText, sniffFormat } from './types.ts';

const CPH: [number, number, number, number] = [12.55, 55.66, 12.6, 55.69];
const ATTRIBUTION = '<a href="https://www.openstreetmap.org/copyright">&copy; OpenStreetMap</a> contributors';

let dir: string;
let tiles: TestTile[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stander-tiles-'));
  tiles = tilesFor(CPH, 12, 14, [120, 170, 220]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const eq = (a: Uint8Array | null, b: Uint8Array) =>
  expect(a && Buffer.from(a).equals(Buffer.from(b))).toBe(true);

describe('MBTiles reader', () => {
  for (const schema of ['flat', 'dedup'] as const) {
    it(`reads metadata and tiles by XYZ (${schema} schema)`, async () => {
      const file = join(dir, `cph-${schema}.mbtiles`);
      await writeMbtiles(file, {
        schema,
        tiles,
        metadata: {
          name: 'Copenhagen test',
          format: 'png',
          minzoom: '12',
          maxzoom: '14',
          bounds: CPH.join(','),
          attribution: ATTRIBUTION,
        },
      });
      const a = await openMbtiles(file);
      try {
        expect(a.info).toEqual({
          kind: 'mbtiles',
          format: 'png',
          minzoom: 12,
          maxzoom: 14,
          bounds: CPH,
          attribution: '© OpenStreetMap contributors',
          name: 'Copenhagen test',
          layers: [],
        });
        for (const t of [tiles[0]!, tiles[tiles.length - 1]!, tiles[7]!])
          eq(await a.getTile(t.z, t.x, t.y), t.data);
        // A tile outside the covered box, and the TMS-flipped row of a real tile, are absent.
        const t0 = tiles[0]!;
        expect(await a.getTile(t0.z, t0.x, 2 ** t0.z - 1 - t0.y)).toBeNull();
        expect(await a.getTile(3, 0, 0)).toBeNull();
      } finally {
        await a.close();
      }
      await expect(a.getTile(12, 0, 0)).rejects.toThrow(/closed/);
    });
  }

  it('derives format and zoom range from the tiles when the metadata leaves them out', async () => {
    const file = join(dir, 'bare.mbtiles');
    await writeMbtiles(file, { tiles: tiles.filter((t) => t.z === 13), metadata: { name: 'bare' } });
    const a = await openMbtiles(file);
    expect(a.info).toMatchObject({ format: 'png', minzoom: 13, maxzoom: 13, bounds: null, attribution: '' });
    await a.close();
  });

  it('refuses files that are not MBTiles, hold no tiles, or exceed the in-memory limit', async () => {
    const junk = join(dir, 'junk.mbtiles');
    await writeFile(junk, Buffer.alloc(4096, 7));
    await expect(openMbtiles(junk)).rejects.toThrow(/not an SQLite file/);
    const empty = join(dir, 'empty.mbtiles');
    await writeMbtiles(empty, { tiles: [], metadata: { format: 'png' } });
    await expect(openMbtiles(empty)).rejects.toThrow(/holds no tiles/);
    const big = join(dir, 'cph-flat.mbtiles');
    await expect(openMbtiles(big, 1024)).rejects.toThrow(/convert it to PMTiles/);
    expect(MBTILES_MAX_BYTES).toBe(256 * 1024 * 1024);
    const cut = join(dir, 'cut.mbtiles');
    await writeMbtiles(cut, { tiles, metadata: { format: 'png' } });
    await truncate(cut, 2048);
    await expect(openMbtiles(cut)).rejects.toThrow();
  });
});

describe('PMTiles reader', () => {
  for (const internalCompression of ['gzip', 'none'] as const) {
    it(`reads a v3 archive written by the spec (${internalCompression} directories)`, async () => {
      const file = join(dir, `cph-${internalCompression}.pmtiles`);
      // Two identical neighbours test the run-length and shared-offset encoding.
      const same = pngTile(0, 0, [200, 200, 200]);
      const extra: TestTile[] = [
        { z: 15, x: 17530, y: 10250, data: same },
        { z: 15, x: 17531, y: 10250, data: same },
      ];
      await writePmtiles(file, {
        tiles: [...tiles, ...extra],
        tileType: 2,
        bounds: CPH,
        internalCompression,
        metadata: { name: 'Copenhagen test', attribution: ATTRIBUTION },
      });
      const a = await openPmtiles(file);
      try {
        expect(a.info).toEqual({
          kind: 'pmtiles',
          format: 'png',
          minzoom: 12,
          maxzoom: 15,
          bounds: CPH,
          attribution: '© OpenStreetMap contributors',
          name: 'Copenhagen test',
          layers: [],
        });
        for (const t of [...tiles.slice(0, 5), tiles[tiles.length - 1]!, ...extra])
          eq(await a.getTile(t.z, t.x, t.y), t.data);
        expect(await a.getTile(12, 0, 0)).toBeNull();
        expect(await a.getTile(16, 35060, 20500)).toBeNull();
      } finally {
        await a.close();
      }
    });
  }

  it('is read the same by the pmtiles package on its own (the writer follows the spec)', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(join(dir, 'cph-gzip.pmtiles'));
    const p = new PMTiles({
      getKey: () => 'mem',
      getBytes: async (offset, length) => ({
        data: bytes.buffer.slice(
          bytes.byteOffset + offset,
          bytes.byteOffset + Math.min(bytes.length, offset + length),
        ),
      }),
    });
    const h = await p.getHeader();
    expect(h).toMatchObject({ specVersion: 3, tileType: 2, minZoom: 12, maxZoom: 15, clustered: true });
    expect(h.numAddressedTiles).toBe(tiles.length + 2);
    expect(h.numTileContents).toBeLessThan(h.numAddressedTiles);
    const t = tiles[3]!;
    const r = await p.getZxy(t.z, t.x, t.y);
    eq(r ? new Uint8Array(r.data) : null, t.data);
  });

  it('reads vector archives (pbf) with their layer ids, and refuses broken or foreign files', async () => {
    const vec = join(dir, 'vec.pmtiles');
    const mvt = mvtTile({
      water: [
        {
          type: 'polygon',
          parts: [
            [
              [0, 0],
              [4096, 0],
              [4096, 4096],
              [0, 4096],
              [0, 0],
            ],
          ],
        },
      ],
      transportation: [
        {
          type: 'line',
          parts: [
            [
              [0, 10],
              [4000, 10],
            ],
          ],
          props: { class: 'primary' },
        },
      ],
    });
    // The test tile is a real vector tile: decoded by the Mapbox reader the renderer uses.
    const decoded = new VectorTile(new Pbf(mvt));
    expect(Object.keys(decoded.layers).sort()).toEqual(['transportation', 'water']);
    expect(decoded.layers.water!.feature(0).type).toBe(3);
    expect(decoded.layers.water!.feature(0).loadGeometry()[0]).toHaveLength(5);
    expect(decoded.layers.transportation!.feature(0).properties).toEqual({ class: 'primary' });
    await writePmtiles(vec, {
      tiles: [{ z: 0, x: 0, y: 0, data: mvt }],
      tileType: 1,
      bounds: CPH,
      metadata: { vector_layers: [{ id: 'water', fields: {} }, { id: 'transportation' }, { nope: 1 }] },
    });
    const a = await openPmtiles(vec);
    expect(a.info).toMatchObject({ format: 'pbf', layers: ['water', 'transportation'] });
    eq(await a.getTile(0, 0, 0), mvt);
    await a.close();

    const vmb = join(dir, 'vec.mbtiles');
    await writeMbtiles(vmb, {
      tiles: vectorTilesFor(CPH, 13, 13, true),
      metadata: { format: 'pbf', json: JSON.stringify({ vector_layers: [{ id: 'water' }, { id: 'park' }] }) },
    });
    const b = await openMbtiles(vmb);
    expect(b.info).toMatchObject({ format: 'pbf', layers: ['water', 'park'] });
    await b.close();

    const avif = join(dir, 'avif.pmtiles');
    await writePmtiles(avif, {
      tiles: [{ z: 0, x: 0, y: 0, data: mvt }],
      tileType: 5,
      bounds: CPH,
      metadata: {},
    });
    await expect(openPmtiles(avif)).rejects.toThrow(/unsupported PMTiles tile type Avif/);

    const junk = join(dir, 'junk.pmtiles');
    await writeFile(junk, Buffer.alloc(300, 1));
    await expect(openPmtiles(junk)).rejects.toThrow(/magic/);
    const cut = join(dir, 'cut.pmtiles');
    await writePmtiles(cut, { tiles, tileType: 2, bounds: CPH, metadata: {} });
    await truncate(cut, 100);
    await expect(openPmtiles(cut)).rejects.toThrow();
  });
});

describe('tile helpers', () => {
  it('reduces attribution markup to text and sniffs formats from magic bytes', () => {
    expect(attributionText('<script>alert(1)</script>© <b>Kort</b>&amp;Data')).toBe('alert(1)© Kort&Data');
    expect(attributionText(42)).toBe('');
    expect(sniffFormat(pngTile(0, 0, [1, 2, 3]))).toBe('png');
    expect(sniffFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpg');
    expect(sniffFormat(Uint8Array.from([0x1f, 0x8b, 8]))).toBe('pbf');
    expect(sniffFormat(Uint8Array.from([0, 1, 2]))).toBeNull();
  });
});
