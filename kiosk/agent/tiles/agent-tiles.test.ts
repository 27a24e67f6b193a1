import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthSchema } from '../../../protocol/index.ts';
import { startAgent } from '../index.ts';
import { silentLogger } from '../log.ts';
import { tilesFor, writeMbtiles } from './test-files.ts';
import { TilesMetadataSchema } from './types.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stander-agent-tiles-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function agent(mapTiles: string | null, name: string) {
  return startAgent({
    screenId: 'kiosk-tiles',
    token: 'token-of-kiosk-tiles',
    serverUrl: 'http://127.0.0.1:9',
    mqttUrl: 'mqtt://127.0.0.1:9',
    cacheDir: join(dir, name),
    uiPort: 0,
    rendererDir: join(dir, 'no-renderer'),
    log: silentLogger,
    offline: true,
    mapTiles,
  });
}

describe('agent with STANDER_MAP_TILES', () => {
  it('serves the configured file on its UI server and reports it in health', async () => {
    const file = join(dir, 'cph.mbtiles');
    const tiles = tilesFor([12.55, 55.66, 12.6, 55.69], 13, 13, [100, 150, 200]);
    await writeMbtiles(file, { tiles, metadata: { format: 'png', attribution: '© Test' } });
    const a = await agent(file, 'ok');
    try {
      const meta = TilesMetadataSchema.parse(await (await fetch(`${a.uiUrl}/tiles/metadata.json`)).json());
      expect(meta).toMatchObject({ state: 'ok', kind: 'mbtiles', format: 'png', attribution: '© Test' });
      const t = tiles[0]!;
      const r = await fetch(`${a.uiUrl}/tiles/${t.z}/${t.x}/${t.y}.png`);
      expect(r.status).toBe(200);
      expect(Buffer.from(await r.arrayBuffer()).equals(Buffer.from(t.data))).toBe(true);
      const h = HealthSchema.parse(await a.health());
      expect(h.mapTiles).toEqual({
        state: 'ok',
        kind: 'mbtiles',
        format: 'png',
        served: 1,
        missing: 0,
        errors: 0,
      });
    } finally {
      await a.close();
    }
  });

  it('starts without the file, and says so in health and metadata', async () => {
    const a = await agent(join(dir, 'gone.pmtiles'), 'missing');
    try {
      const meta = await (await fetch(`${a.uiUrl}/tiles/metadata.json`)).json();
      expect(meta).toEqual({ state: 'error', message: 'tiles file not found: gone.pmtiles' });
      const h = HealthSchema.parse(await a.health());
      expect(h.mapTiles).toMatchObject({ state: 'error', message: 'tiles file not found: gone.pmtiles' });
    } finally {
      await a.close();
    }
  });

  it('reports off when no file is set', async () => {
    const a = await agent(null, 'off');
    try {
      expect((await a.health()).mapTiles?.state).toBe('off');
      expect(await (await fetch(`${a.uiUrl}/tiles/metadata.json`)).json()).toEqual({ state: 'off' });
    } finally {
      await a.close();
    }
  });
});
