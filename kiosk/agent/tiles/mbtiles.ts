import { open, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import {
  attributionText,
  normaliseFormat,
  sniffFormat,
  type TileArchive,
  type TileArchiveInfo,
  validBounds,
  vectorLayerIds,
} from './types.ts';

/**
 * MBTiles 1.3 (https://github.com/mapbox/mbtiles-spec) read with sql.js, SQLite compiled to
 * WebAssembly: no native module, so the same code runs in Node and in Electron's main process.
 * sql.js works on an in-memory copy of the database, so a file above `maxBytes` is refused
 * (PMTiles, read by byte ranges, is the format for large maps).
 */

export const MBTILES_MAX_BYTES = 256 * 1024 * 1024;

let sqlJs: Promise<SqlJsStatic> | null = null;
function loadSqlJs(): Promise<SqlJsStatic> {
  if (!sqlJs) {
    const dist = dirname(createRequire(import.meta.url).resolve('sql.js'));
    sqlJs = initSqlJs({ locateFile: (f: string) => join(dist, f) });
    sqlJs.catch(() => {
      sqlJs = null;
    });
  }
  return sqlJs;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export async function isSqliteFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    await fh.read(buf, 0, 16, 0);
    return buf.toString('latin1') === SQLITE_MAGIC;
  } finally {
    await fh.close();
  }
}

export async function openMbtiles(path: string, maxBytes = MBTILES_MAX_BYTES): Promise<TileArchive> {
  const s = await stat(path);
  if (!s.isFile()) throw new Error('not a file');
  if (s.size > maxBytes) {
    throw new Error(
      `MBTiles file is ${Math.round(s.size / 2 ** 20)} MiB, above the ${Math.round(maxBytes / 2 ** 20)} MiB this reader loads into memory; convert it to PMTiles`,
    );
  }
  if (!(await isSqliteFile(path))) throw new Error('not an SQLite file');
  const SQL = await loadSqlJs();
  let db: Database;
  try {
    db = new SQL.Database(await readFile(path));
  } catch (e) {
    throw new Error(`unreadable SQLite file: ${(e as Error).message}`);
  }
  try {
    const info = readInfo(db);
    return makeArchive(db, info);
  } catch (e) {
    db.close();
    throw e;
  }
}

function readInfo(db: Database): TileArchiveInfo {
  const meta = new Map<string, string>();
  try {
    const rows = db.exec('SELECT name, value FROM metadata');
    for (const [name, value] of rows[0]?.values ?? []) {
      if (typeof name === 'string' && (typeof value === 'string' || typeof value === 'number'))
        meta.set(name, String(value));
    }
  } catch (e) {
    throw new Error(`no MBTiles metadata table: ${(e as Error).message}`);
  }
  let range: { min: number; max: number } | null;
  try {
    const r = db.exec('SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles')[0]?.values[0];
    range = typeof r?.[0] === 'number' && typeof r[1] === 'number' ? { min: r[0], max: r[1] } : null;
  } catch (e) {
    throw new Error(`no MBTiles tiles table: ${(e as Error).message}`);
  }
  if (!range) throw new Error('the MBTiles file holds no tiles');
  let format = normaliseFormat(meta.get('format'));
  if (!format) {
    const first = db.exec('SELECT tile_data FROM tiles LIMIT 1')[0]?.values[0]?.[0];
    format = first instanceof Uint8Array ? sniffFormat(first) : null;
  }
  if (!format) throw new Error(`unknown tile format "${meta.get('format') ?? ''}"`);
  const zoom = (k: string, fallback: number) => {
    const n = Number(meta.get(k));
    return meta.has(k) && Number.isInteger(n) && n >= 0 && n <= 30 ? n : fallback;
  };
  const minzoom = zoom('minzoom', range.min);
  const maxzoom = Math.max(minzoom, zoom('maxzoom', range.max));
  const b = (meta.get('bounds') ?? '').split(',').map((v) => Number(v.trim()));
  let layers: string[] = [];
  try {
    layers = vectorLayerIds(
      (JSON.parse(meta.get('json') ?? '{}') as { vector_layers?: unknown }).vector_layers,
    );
  } catch {
    // A broken `json` entry only costs the layer list.
  }
  return {
    kind: 'mbtiles',
    format,
    minzoom,
    maxzoom,
    bounds: validBounds(b),
    attribution: attributionText(meta.get('attribution')),
    name: (meta.get('name') ?? '').slice(0, 200),
    layers,
  };
}

function makeArchive(db: Database, info: TileArchiveInfo): TileArchive {
  const stmt = db.prepare(
    'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
  );
  let closed = false;
  return {
    info,
    async getTile(z, x, y) {
      if (closed) throw new Error('tiles file closed');
      // MBTiles rows count from the south (TMS); Leaflet's y counts from the north.
      const row = 2 ** z - 1 - y;
      try {
        stmt.bind([z, x, row]);
        if (!stmt.step()) return null;
        const data = stmt.get()[0];
        return data instanceof Uint8Array ? new Uint8Array(data) : null;
      } finally {
        stmt.reset();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      stmt.free();
      db.close();
    },
  };
}
