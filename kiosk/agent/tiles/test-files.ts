/**
 * Writers of small, real tiles files for tests: PNG tiles (pngjs), an MBTiles 1.3 database
 * (sql.js) and a PMTiles v3 archive written by the spec
 * (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md), so the readers are tested on
 * files made the way real tools make them. Test support only; nothing at run time imports this.
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zxyToTileId } from 'pmtiles';
import { PNG } from 'pngjs';
import initSqlJs from 'sql.js';

export interface TestTile {
  z: number;
  x: number;
  /** XYZ row (counted from the north). */
  y: number;
  data: Uint8Array;
}

/** A 256x256 PNG: a checkerboard cell in `rgb` (darker on odd tiles) with a 4 px frame. */
export function pngTile(x: number, y: number, rgb: [number, number, number]): Uint8Array {
  const png = new PNG({ width: 256, height: 256 });
  const dark = (x + y) % 2 === 1 ? 0.8 : 1;
  for (let py = 0; py < 256; py++) {
    for (let px = 0; px < 256; px++) {
      const frame = px < 4 || py < 4 || px > 251 || py > 251;
      const i = (py * 256 + px) * 4;
      const k = frame ? 0.55 : dark;
      png.data[i] = Math.round(rgb[0] * k);
      png.data[i + 1] = Math.round(rgb[1] * k);
      png.data[i + 2] = Math.round(rgb[2] * k);
      png.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

export function lonToX(lon: number, z: number): number {
  return Math.floor(((lon + 180) / 360) * 2 ** z);
}
export function latToY(lat: number, z: number): number {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
}

/** PNG tiles covering [w,s,e,n] at each zoom of the range. */
export function tilesFor(
  bounds: [number, number, number, number],
  minzoom: number,
  maxzoom: number,
  rgb: [number, number, number],
): TestTile[] {
  const out: TestTile[] = [];
  for (let z = minzoom; z <= maxzoom; z++) {
    for (let x = lonToX(bounds[0], z); x <= lonToX(bounds[2], z); x++) {
      for (let y = latToY(bounds[3], z); y <= latToY(bounds[1], z); y++) {
        out.push({ z, x, y, data: pngTile(x, y, rgb) });
      }
    }
  }
  return out;
}

export interface MbtilesSpec {
  tiles: TestTile[];
  metadata: Record<string, string>;
  /** `flat`: one tiles table; `dedup`: map + images tables behind a tiles view (as mbutil writes). */
  schema?: 'flat' | 'dedup';
}

export async function writeMbtiles(path: string, spec: MbtilesSpec): Promise<void> {
  const dist = dirname(createRequire(import.meta.url).resolve('sql.js'));
  const SQL = await initSqlJs({ locateFile: (f: string) => join(dist, f) });
  const db = new SQL.Database();
  try {
    db.run('CREATE TABLE metadata (name text, value text)');
    for (const [k, v] of Object.entries(spec.metadata)) db.run('INSERT INTO metadata VALUES (?, ?)', [k, v]);
    if ((spec.schema ?? 'flat') === 'flat') {
      db.run(
        'CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)',
      );
      db.run('CREATE UNIQUE INDEX tile_index on tiles (zoom_level, tile_column, tile_row)');
      for (const t of spec.tiles)
        db.run('INSERT INTO tiles VALUES (?, ?, ?, ?)', [t.z, t.x, 2 ** t.z - 1 - t.y, t.data]);
    } else {
      db.run('CREATE TABLE map (zoom_level integer, tile_column integer, tile_row integer, tile_id text)');
      db.run('CREATE TABLE images (tile_data blob, tile_id text)');
      db.run(
        'CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, map.tile_row AS tile_row, images.tile_data AS tile_data FROM map JOIN images ON images.tile_id = map.tile_id',
      );
      const ids = new Map<string, string>();
      for (const t of spec.tiles) {
        const key = Buffer.from(t.data).toString('base64');
        let id = ids.get(key);
        if (!id) {
          id = `img${ids.size}`;
          ids.set(key, id);
          db.run('INSERT INTO images VALUES (?, ?)', [t.data, id]);
        }
        db.run('INSERT INTO map VALUES (?, ?, ?, ?)', [t.z, t.x, 2 ** t.z - 1 - t.y, id]);
      }
    }
    await writeFile(path, db.export());
  } finally {
    db.close();
  }
}

export interface PmtilesSpec {
  tiles: TestTile[];
  /** 1 Mvt, 2 Png, 3 Jpeg, 4 Webp. */
  tileType: number;
  metadata: Record<string, unknown>;
  bounds: [number, number, number, number];
  /** Directories and metadata gzip-compressed (the common case) or stored as is. */
  internalCompression?: 'gzip' | 'none';
}

function varint(out: number[], n: number): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

interface DirEntry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

/** The spec's directory encoding: count, delta tile ids, run lengths, lengths, offsets (0 = contiguous). */
function encodeDirectory(entries: DirEntry[]): Uint8Array {
  const out: number[] = [];
  varint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    varint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) varint(out, e.runLength);
  for (const e of entries) varint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    varint(out, i > 0 && prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  });
  return Uint8Array.from(out);
}

/** Writes a clustered PMTiles v3 archive with one root directory; identical tiles stored once. */
export async function writePmtiles(path: string, spec: PmtilesSpec): Promise<void> {
  const gzip = (spec.internalCompression ?? 'gzip') === 'gzip';
  const pack = (b: Uint8Array) => (gzip ? new Uint8Array(gzipSync(b)) : b);
  const sorted = spec.tiles.map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), t })).sort((a, b) => a.id - b.id);
  const entries: DirEntry[] = [];
  const blobs: Uint8Array[] = [];
  const seen = new Map<string, { offset: number; length: number }>();
  let dataLength = 0;
  for (const { id, t } of sorted) {
    const key = Buffer.from(t.data).toString('base64');
    let at = seen.get(key);
    if (!at) {
      at = { offset: dataLength, length: t.data.length };
      seen.set(key, at);
      blobs.push(t.data);
      dataLength += t.data.length;
    }
    const prev = entries[entries.length - 1];
    if (prev && prev.offset === at.offset && prev.tileId + prev.runLength === id) prev.runLength++;
    else entries.push({ tileId: id, offset: at.offset, length: at.length, runLength: 1 });
  }
  const root = pack(encodeDirectory(entries));
  const meta = pack(new TextEncoder().encode(JSON.stringify(spec.metadata)));
  if (127 + root.length > 16384) throw new Error('root directory too large for this test writer');
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header.writeUInt8(3, 7);
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  const rootOffset = 127;
  const metaOffset = rootOffset + root.length;
  const leafOffset = metaOffset + meta.length;
  const dataOffset = leafOffset;
  u64(8, rootOffset);
  u64(16, root.length);
  u64(24, metaOffset);
  u64(32, meta.length);
  u64(40, leafOffset);
  u64(48, 0);
  u64(56, dataOffset);
  u64(64, dataLength);
  u64(72, sorted.length);
  u64(80, entries.length);
  u64(88, blobs.length);
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(gzip ? 2 : 1, 97);
  header.writeUInt8(1, 98); // tiles stored uncompressed
  header.writeUInt8(spec.tileType, 99);
  const zooms = spec.tiles.map((t) => t.z);
  const minZ = Math.min(...zooms);
  const maxZ = Math.max(...zooms);
  header.writeUInt8(minZ, 100);
  header.writeUInt8(maxZ, 101);
  const e7 = (v: number) => Math.round(v * 1e7);
  header.writeInt32LE(e7(spec.bounds[0]), 102);
  header.writeInt32LE(e7(spec.bounds[1]), 106);
  header.writeInt32LE(e7(spec.bounds[2]), 110);
  header.writeInt32LE(e7(spec.bounds[3]), 114);
  header.writeUInt8(minZ, 118);
  header.writeInt32LE(e7((spec.bounds[0] + spec.bounds[2]) / 2), 119);
  header.writeInt32LE(e7((spec.bounds[1] + spec.bounds[3]) / 2), 123);
  await writeFile(path, Buffer.concat([header, root, meta, ...blobs]));
}

/** One feature of a test vector tile: rings (polygon) or a path (line) in tile units (0..4096). */
export interface MvtFeature {
  type: 'polygon' | 'line';
  parts: Array<Array<[number, number]>>;
  /** String properties (encoded as MVT keys/values). */
  props?: Record<string, string>;
}

class ProtoWriter {
  readonly out: number[] = [];
  varint(n: number): this {
    varint(this.out, n);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  bytes(field: number, b: Uint8Array | number[]): this {
    this.key(field, 2).varint(b.length);
    for (const x of b) this.out.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  packed(field: number, values: number[]): this {
    const w = new ProtoWriter();
    for (const v of values) w.varint(v);
    return this.bytes(field, w.out);
  }
}

const zigzag = (n: number) => (n << 1) ^ (n >> 31);

function geometry(f: MvtFeature): number[] {
  const cmds: number[] = [];
  let cx = 0;
  let cy = 0;
  for (const part of f.parts) {
    const pts = f.type === 'polygon' ? part.slice(0, -1) : part; // rings are closed by ClosePath
    pts.forEach(([x, y], i) => {
      if (i === 0) cmds.push(1 | (1 << 3));
      else if (i === 1) cmds.push(2 | ((pts.length - 1) << 3));
      cmds.push(zigzag(x - cx), zigzag(y - cy));
      cx = x;
      cy = y;
    });
    if (f.type === 'polygon') cmds.push(7 | (1 << 3));
  }
  return cmds;
}

/** A Mapbox Vector Tile 2.1 (https://github.com/mapbox/vector-tile-spec), extent 4096. */
export function mvtTile(layers: Record<string, MvtFeature[]>): Uint8Array {
  const tile = new ProtoWriter();
  for (const [name, features] of Object.entries(layers)) {
    const layer = new ProtoWriter()
      .varint(15 * 8)
      .varint(2)
      .string(1, name);
    const keys: string[] = [];
    const values: string[] = [];
    features.forEach((f, i) => {
      const tags: number[] = [];
      for (const [k, v] of Object.entries(f.props ?? {})) {
        if (!keys.includes(k)) keys.push(k);
        if (!values.includes(v)) values.push(v);
        tags.push(keys.indexOf(k), values.indexOf(v));
      }
      const feat = new ProtoWriter()
        .key(1, 0)
        .varint(i + 1)
        .packed(2, tags)
        .key(3, 0)
        .varint(f.type === 'polygon' ? 3 : 2)
        .packed(4, geometry(f));
      layer.bytes(2, feat.out);
    });
    for (const k of keys) layer.string(3, k);
    for (const v of values) layer.bytes(4, new ProtoWriter().string(1, v).out);
    layer.key(5, 0).varint(4096);
    tile.bytes(3, layer.out);
  }
  return Uint8Array.from(tile.out);
}

/** Every tile: water on its west half, a park on its east half, a road across the middle. */
export function vectorTilesFor(
  bounds: [number, number, number, number],
  minzoom: number,
  maxzoom: number,
  compress = false,
): TestTile[] {
  const data = mvtTile({
    water: [
      {
        type: 'polygon',
        parts: [
          [
            [0, 0],
            [2048, 0],
            [2048, 4096],
            [0, 4096],
            [0, 0],
          ],
        ],
      },
    ],
    park: [
      {
        type: 'polygon',
        parts: [
          [
            [2048, 0],
            [4096, 0],
            [4096, 4096],
            [2048, 4096],
            [2048, 0],
          ],
        ],
        props: { class: 'park' },
      },
    ],
    transportation: [
      {
        type: 'line',
        parts: [
          [
            [0, 2048],
            [4096, 2048],
          ],
        ],
        props: { class: 'primary' },
      },
    ],
  });
  const bytes = compress ? new Uint8Array(gzipSync(data)) : data;
  const out: TestTile[] = [];
  for (let z = minzoom; z <= maxzoom; z++)
    for (let x = lonToX(bounds[0], z); x <= lonToX(bounds[2], z); x++)
      for (let y = latToY(bounds[3], z); y <= latToY(bounds[1], z); y++) out.push({ z, x, y, data: bytes });
  return out;
}
