import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename } from 'node:path';
import type { Health } from '../../../protocol/index.ts';
import type { Logger } from '../log.ts';
import { isSqliteFile, openMbtiles } from './mbtiles.ts';
import { isPmtilesFile, openPmtiles } from './pmtiles.ts';
import { TILE_MIME, type TileArchive, type TileFormat, type TilesMetadata } from './types.ts';

/**
 * Serves a local MBTiles or PMTiles file (STANDER_MAP_TILES) on the UI server, read-only:
 *   GET /tiles/metadata.json        what the renderer draws (TilesMetadataSchema)
 *   GET /tiles/{z}/{x}/{y}.{ext}    one tile; 404 when the file has none there (204 for vector)
 * A file that is missing or broken leaves the renderer on its built-in base map and is reported
 * in health (`mapTiles`); it is tried again on a metadata request after `retryMs`.
 */

export type MapTilesHealth = NonNullable<Health['mapTiles']>;

export interface TileServiceOptions {
  /** Path of the tiles file; null or '' for none. */
  path: string | null;
  log: Logger;
  /** How long a failed open is kept before the file is tried again (default 60 s). */
  retryMs?: number;
  mbtilesMaxBytes?: number;
  now?: () => number;
}

const TILE_PATH = /^\/tiles\/(\d{1,2})\/(\d{1,10})\/(\d{1,10})\.(png|jpg|jpeg|webp|pbf|mvt)$/;
const EXT_FORMAT: Record<string, TileFormat> = {
  png: 'png',
  jpg: 'jpg',
  jpeg: 'jpg',
  webp: 'webp',
  pbf: 'pbf',
  mvt: 'pbf',
};

async function openArchive(path: string, mbtilesMaxBytes?: number): Promise<TileArchive> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch {
    throw new Error(`tiles file not found: ${basename(path)}`);
  }
  if (!st.isFile()) throw new Error(`tiles path is not a file: ${basename(path)}`);
  if (await isPmtilesFile(path)) return openPmtiles(path);
  if (await isSqliteFile(path)) return openMbtiles(path, mbtilesMaxBytes);
  throw new Error(`${basename(path)} is neither PMTiles nor MBTiles (SQLite)`);
}

export class TileService {
  private archive: TileArchive | null = null;
  private version = '';
  private state: MapTilesHealth['state'];
  private message: string | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private opening: Promise<void> | null = null;
  private served = 0;
  private missing = 0;
  private errors = 0;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly opts: TileServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.state = opts.path ? 'error' : 'off';
    if (opts.path) this.message = 'not opened yet';
  }

  /** Opens the file (again); never throws: failures land in status(). */
  open(): Promise<void> {
    if (!this.opts.path || this.closed) return Promise.resolve();
    this.opening ??= this.doOpen(this.opts.path).finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async doOpen(path: string): Promise<void> {
    this.lastAttempt = this.now();
    try {
      const a = await openArchive(path, this.opts.mbtilesMaxBytes);
      if (this.closed) {
        await a.close();
        return;
      }
      const st = await stat(path);
      await this.archive?.close().catch(() => undefined);
      this.archive = a;
      this.version = createHash('sha256')
        .update(`${path}\0${st.size}\0${st.mtimeMs}\0${st.ino}`)
        .digest('hex')
        .slice(0, 16);
      this.state = 'ok';
      this.message = undefined;
      this.opts.log.info(
        {
          file: basename(path),
          kind: a.info.kind,
          format: a.info.format,
          zoom: [a.info.minzoom, a.info.maxzoom],
          layers: a.info.layers.length,
        },
        'map tiles open',
      );
    } catch (e) {
      this.state = 'error';
      this.message = (e as Error).message.slice(0, 500);
      this.opts.log.warn({ err: this.message }, 'map tiles unavailable; the map uses its built-in base map');
    }
  }

  status(): MapTilesHealth {
    const s: MapTilesHealth = {
      state: this.state,
      served: this.served,
      missing: this.missing,
      errors: this.errors,
    };
    if (this.archive) {
      s.kind = this.archive.info.kind;
      s.format = this.archive.info.format;
    }
    if (this.message) s.message = this.message;
    return s;
  }

  metadata(): TilesMetadata {
    const a = this.archive;
    if (!a || this.state !== 'ok') {
      if (this.state === 'off') return { state: 'off' };
      return { state: 'error', message: this.message };
    }
    const { info } = a;
    return {
      state: 'ok',
      kind: info.kind,
      format: info.format,
      tileUrl: `tiles/{z}/{x}/{y}.${info.format}?v=${this.version}`,
      minzoom: info.minzoom,
      maxzoom: info.maxzoom,
      bounds: info.bounds,
      attribution: info.attribution,
      name: info.name,
      layers: info.layers,
    };
  }

  /** Answers a GET/HEAD under /tiles/ (the path already URL-decoded). */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/tiles/metadata.json') {
      await this.opening;
      if (this.state === 'error' && this.now() - this.lastAttempt >= (this.opts.retryMs ?? 60_000))
        await this.open();
      const body = JSON.stringify(this.metadata());
      res.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const m = TILE_PATH.exec(path);
    if (!m) return plain(res, 404, 'not found');
    const z = Number(m[1]);
    const x = Number(m[2]);
    const y = Number(m[3]);
    const a = this.archive;
    if (!a) return plain(res, 404, 'no tiles file');
    const n = 2 ** z;
    if (z > 30 || x >= n || y >= n) return plain(res, 400, 'tile outside the grid');
    if (EXT_FORMAT[m[4]!] !== a.info.format) return plain(res, 404, "not this file's format");
    let data: Uint8Array | null = null;
    try {
      if (z >= a.info.minzoom && z <= a.info.maxzoom) data = await a.getTile(z, x, y);
    } catch (e) {
      this.errors++;
      this.opts.log.warn({ err: (e as Error).message, z, x, y }, 'map tile read failed');
      return plain(res, 500, 'tile read failed');
    }
    if (!data || data.length === 0) {
      this.missing++;
      // A vector file leaves out empty tiles (open sea): an empty tile, as vector renderers expect.
      if (a.info.format === 'pbf') {
        res.writeHead(204, { 'content-type': TILE_MIME.pbf, 'cache-control': 'no-cache' }).end();
        return;
      }
      return plain(res, 404, 'no such tile');
    }
    this.served++;
    const etag = `"${this.version}-${z}-${x}-${y}"`;
    const versioned = new URL(req.url ?? '/', 'http://x').searchParams.get('v') === this.version;
    const headers: Record<string, string | number> = {
      'content-type': TILE_MIME[a.info.format],
      'x-content-type-options': 'nosniff',
      etag,
      // A URL with the file's version never changes; without it, revalidate with the ETag.
      'cache-control': versioned ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (a.info.format === 'pbf' && data[0] === 0x1f && data[1] === 0x8b) headers['content-encoding'] = 'gzip';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    headers['content-length'] = data.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    await this.archive?.close().catch(() => undefined);
    this.archive = null;
  }
}

function plain(res: ServerResponse, status: number, body: string): void {
  res
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .end(body);
}

/** Creates the service and tries the file once; the agent starts either way. */
export async function startTileService(opts: TileServiceOptions): Promise<TileService> {
  const s = new TileService(opts);
  await s.open();
  return s;
}
