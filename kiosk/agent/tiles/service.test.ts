import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyKioskState } from '../../bridge/types.ts';
import { startUiServer, type UiServer } from '../../bridge/ws-server.ts';
import { silentLogger } from '../log.ts';
import { startTileService, type TileService } from './service.ts';
import { type TestTile, tilesFor, vectorTilesFor, writeMbtiles, writePmtiles } from './test-files.ts';
import { TilesMetadataSchema } from './types.ts';

const CPH: [number, number, number, number] = [12.55, 55.66, 12.6, 55.69];

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request, so paths like /tiles/../x reach the server unnormalised. */
function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let tiles: TestTile[];
const open: Array<{ close(): Promise<void> }> = [];

async function serve(path: string | null, retryMs?: number): Promise<{ ui: UiServer; svc: TileService }> {
  const svc = await startTileService({ path, log: silentLogger, retryMs });
  const state = emptyKioskState('s1', '0');
  const ui = await startUiServer({
    port: 0,
    rendererDir: join(dir, 'no-renderer'),
    api: { getState: () => state, subscribe: () => () => undefined, dispatch: () => undefined },
    assets: { open: () => null },
    log: silentLogger,
    tiles: svc,
  });
  open.push(ui, svc);
  return { ui, svc };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stander-tile-svc-'));
  tiles = tilesFor(CPH, 13, 14, [90, 160, 120]);
  await writeMbtiles(join(dir, 'm.mbtiles'), {
    tiles,
    metadata: { format: 'png', name: 'm', attribution: '© Test' },
  });
  await writePmtiles(join(dir, 'p.pmtiles'), {
    tiles,
    tileType: 2,
    bounds: CPH,
    metadata: { attribution: '© P' },
  });
});
afterAll(async () => {
  for (const o of open.reverse()) await o.close();
  await rm(dir, { recursive: true, force: true });
});

describe('tile service on the UI server', () => {
  for (const file of ['m.mbtiles', 'p.pmtiles']) {
    it(`serves ${file}: metadata, tiles with type and caching, 304, 404 and refused paths`, async () => {
      const { ui, svc } = await serve(join(dir, file));
      const meta = await get(ui.url, '/tiles/metadata.json');
      expect(meta.status).toBe(200);
      expect(meta.headers['cache-control']).toBe('no-cache');
      const m = TilesMetadataSchema.parse(JSON.parse(meta.body.toString()));
      if (m.state !== 'ok') throw new Error(`state ${m.state}`);
      expect(m).toMatchObject({
        format: 'png',
        minzoom: 13,
        maxzoom: 14,
        kind: file.endsWith('mbtiles') ? 'mbtiles' : 'pmtiles',
      });
      expect(m.tileUrl).toMatch(/^tiles\/\{z\}\/\{x\}\/\{y\}\.png\?v=[0-9a-f]{16}$/);

      const t = tiles[5]!;
      const url = `/${m.tileUrl.replace('{z}', String(t.z)).replace('{x}', String(t.x)).replace('{y}', String(t.y))}`;
      const r = await get(ui.url, url);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('image/png');
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(r.headers['content-security-policy']).toContain("default-src 'none'");
      expect(r.body.equals(Buffer.from(t.data))).toBe(true);
      const etag = String(r.headers.etag);
      const unversioned = await get(ui.url, `/tiles/${t.z}/${t.x}/${t.y}.png`);
      expect(unversioned.headers['cache-control']).toBe('no-cache');
      const again = await get(ui.url, `/tiles/${t.z}/${t.x}/${t.y}.png`, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      const head = await get(ui.url, url, {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(Number(head.headers['content-length'])).toBe(t.data.length);

      expect((await get(ui.url, `/tiles/${t.z}/0/0.png`)).status).toBe(404); // none there
      expect((await get(ui.url, `/tiles/3/0/0.png`)).status).toBe(404); // below minzoom
      expect((await get(ui.url, `/tiles/${t.z}/${t.x}/${t.y}.jpg`)).status).toBe(404); // not this format
      expect((await get(ui.url, `/tiles/2/4/0.png`)).status).toBe(400); // x outside the grid
      expect((await get(ui.url, `/tiles/31/0/0.png`)).status).toBe(400);
      expect((await get(ui.url, '/tiles/-1/0/0.png')).status).toBe(404);
      // Dot segments are resolved before routing: they leave /tiles/ and never reach a file outside.
      for (const p of [
        '/tiles/../../etc/passwd',
        '/tiles/%2e%2e/%2e%2e/etc/passwd',
        '/tiles/..%2f..%2fm.mbtiles',
      ]) {
        const bad = await get(ui.url, p);
        expect(bad.status, p).not.toBe(200);
        expect(bad.body.toString()).not.toContain('root:');
      }
      expect((await get(ui.url, '/tiles/13/1/1.png%00.txt')).status).toBe(404);
      expect((await get(ui.url, `/tiles/${t.z}/${t.x}/${t.y}.png`, {}, 'POST')).status).toBe(405);
      expect(svc.status()).toMatchObject({ state: 'ok', kind: m.kind, format: 'png', errors: 0 });
      expect(svc.status().served).toBeGreaterThanOrEqual(3);
      expect(svc.status().missing).toBe(2);
    });
  }

  it('reports a missing file in health and picks it up once it appears', async () => {
    const late = join(dir, 'late.pmtiles');
    const { ui, svc } = await serve(late, 0);
    expect(svc.status()).toMatchObject({ state: 'error', message: 'tiles file not found: late.pmtiles' });
    const m1 = JSON.parse((await get(ui.url, '/tiles/metadata.json')).body.toString());
    expect(m1).toEqual({ state: 'error', message: 'tiles file not found: late.pmtiles' });
    expect((await get(ui.url, '/tiles/13/0/0.png')).status).toBe(404);
    await writePmtiles(late, { tiles, tileType: 2, bounds: CPH, metadata: {} });
    const m2 = TilesMetadataSchema.parse(
      JSON.parse((await get(ui.url, '/tiles/metadata.json')).body.toString()),
    );
    expect(m2.state).toBe('ok');
    expect(svc.status().state).toBe('ok');
  });

  it('reports a broken file', async () => {
    const junk = join(dir, 'junk.mbtiles');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(junk, 'SQLite format 3\u0000 but not really');
    const broken = await serve(junk);
    expect(broken.svc.status().state).toBe('error');
    expect(JSON.parse((await get(broken.ui.url, '/tiles/metadata.json')).body.toString()).state).toBe(
      'error',
    );
  });

  it('serves a gzipped vector MBTiles with its layers; a missing vector tile is empty (204)', async () => {
    const vec = join(dir, 'v.mbtiles');
    const vt = vectorTilesFor(CPH, 13, 13, true);
    await writeMbtiles(vec, {
      tiles: vt,
      metadata: { format: 'pbf', json: JSON.stringify({ vector_layers: [{ id: 'water' }, { id: 'park' }] }) },
    });
    const v = await serve(vec);
    expect(v.svc.status()).toMatchObject({ state: 'ok', format: 'pbf', kind: 'mbtiles' });
    const meta = TilesMetadataSchema.parse(
      JSON.parse((await get(v.ui.url, '/tiles/metadata.json')).body.toString()),
    );
    expect(meta).toMatchObject({ state: 'ok', format: 'pbf', layers: ['water', 'park'] });
    const t = vt[0]!;
    const tile = await get(v.ui.url, `/tiles/${t.z}/${t.x}/${t.y}.pbf`);
    expect(tile.status).toBe(200);
    expect(tile.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(tile.headers['content-encoding']).toBe('gzip');
    expect(tile.body.equals(Buffer.from(t.data))).toBe(true);
    const none = await get(v.ui.url, `/tiles/${t.z}/0/0.pbf`);
    expect(none.status).toBe(204);
    expect(none.body.length).toBe(0);
  });

  it('answers 404 under /tiles/ when no file is configured, and reports off', async () => {
    const { ui, svc } = await serve(null);
    expect(svc.status()).toEqual({ state: 'off', served: 0, missing: 0, errors: 0 });
    expect(JSON.parse((await get(ui.url, '/tiles/metadata.json')).body.toString())).toEqual({ state: 'off' });
    expect((await get(ui.url, '/tiles/1/0/0.png')).status).toBe(404);
  });
});
