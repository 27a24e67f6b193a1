/**
 * The kiosk map over a local tiles file (issue 5): the real UI server with the agent's tile service
 * (kiosk/agent/tiles) serves an MBTiles and a PMTiles file made here; the street kiosk's map shows
 * their raster tiles with the file's attribution, and falls back to the built-in GeoJSON base map
 * for a broken or vector file. Tiles are asserted loaded from /tiles/ and visible in the screenshot.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { startTileService, type TileService } from '../../kiosk/agent/tiles/service.ts';
import { tilesFor, vectorTilesFor, writeMbtiles, writePmtiles } from '../../kiosk/agent/tiles/test-files.ts';
import type { KioskState } from '../../kiosk/bridge/types.ts';
import { startUiServer, type UiServer } from '../../kiosk/bridge/ws-server.ts';
import { demoState } from '../../kiosk/renderer/src/fixtures/demo-state.ts';
import { launch, openPage } from './support/browser.ts';
import { axe, shot } from './support/ui.ts';

const BOUNDS: [number, number, number, number] = [12.5, 55.64, 12.64, 55.72];
const MB_RGB: [number, number, number] = [150, 190, 235];
const PM_RGB: [number, number, number] = [170, 225, 160];

let dir: string;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stander-e2e-tiles-'));
  await writeMbtiles(join(dir, 'cph.mbtiles'), {
    tiles: tilesFor(BOUNDS, 13, 15, MB_RGB),
    metadata: {
      name: 'Copenhagen (MBTiles test)',
      format: 'png',
      minzoom: '13',
      maxzoom: '15',
      bounds: BOUNDS.join(','),
      attribution: '<a href="https://example.org">&copy; Testkort MBTiles</a>',
    },
  });
  await writePmtiles(join(dir, 'cph.pmtiles'), {
    tiles: tilesFor(BOUNDS, 13, 15, PM_RGB),
    tileType: 2,
    bounds: BOUNDS,
    metadata: { name: 'Copenhagen (PMTiles test)', attribution: '© Testkort PMTiles' },
  });
  await writeFile(
    join(dir, 'broken.pmtiles'),
    Buffer.concat([Buffer.from('PMTiles\u0003'), Buffer.alloc(40, 9)]),
  );
  // Vector: water on each tile's west half, a park on its east half, a road across.
  const vectorMeta = { vector_layers: [{ id: 'water' }, { id: 'park' }, { id: 'transportation' }] };
  await writePmtiles(join(dir, 'vector.pmtiles'), {
    tiles: vectorTilesFor(BOUNDS, 13, 14),
    tileType: 1,
    bounds: BOUNDS,
    metadata: { ...vectorMeta, attribution: '© Vektor PMTiles' },
  });
  await writeMbtiles(join(dir, 'vector.mbtiles'), {
    tiles: vectorTilesFor(BOUNDS, 13, 14, true),
    metadata: {
      format: 'pbf',
      minzoom: '13',
      maxzoom: '14',
      bounds: BOUNDS.join(','),
      attribution: '© Vektor MBTiles',
      json: JSON.stringify(vectorMeta),
    },
  });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The agent's UI server with its tile service, fed the demo state. */
async function serve(file: string): Promise<{ ui: UiServer; tiles: TileService; close(): Promise<void> }> {
  const tiles = await startTileService({ path: join(dir, file), log: silentLogger });
  const state: KioskState = demoState(Date.now());
  const ui = await startUiServer({
    port: 0,
    rendererDir: join(import.meta.dirname, '../../dist/renderer'),
    api: { getState: () => state, subscribe: () => () => undefined, dispatch: () => undefined },
    assets: { open: () => null },
    log: silentLogger,
    tiles,
  });
  return {
    ui,
    tiles,
    close: async () => {
      await ui.close();
      await tiles.close();
    },
  };
}

async function openMap(url: string): Promise<Page> {
  const page = await openPage(browser, `${url}/?theme=day`, 'street-kiosk');
  await page.waitForSelector('[data-view="attract"]', { timeout: 60_000 });
  await page.locator('.attract-invite').click();
  await page.waitForSelector('[data-view="home"]');
  await page.locator('.bottom-nav').getByRole('button', { name: 'Kort', exact: true }).click();
  await page.waitForSelector('[data-view="map"] .leaflet-container', { timeout: 60_000 });
  return page;
}

interface TileImg {
  src: string;
  w: number;
  complete: boolean;
}
const tileImgs = (page: Page, scope: string) =>
  page.$$eval(`${scope} img.leaflet-tile`, (els) =>
    els.map((e) => {
      const img = e as HTMLImageElement;
      return { src: img.src, w: img.naturalWidth, complete: img.complete };
    }),
  ) as Promise<TileImg[]>;

/** Share of the screenshot's map area whose pixels have the tiles' colour (either checker shade). */
function colourShare(
  png: Buffer,
  box: { x: number; y: number; width: number; height: number },
  rgb: number[],
  shades = [1, 0.8],
): number {
  const img = PNG.sync.read(png);
  let hit = 0;
  let all = 0;
  for (let y = Math.floor(box.y); y < box.y + box.height; y += 7) {
    for (let x = Math.floor(box.x); x < box.x + box.width; x += 7) {
      const i = (y * img.width + x) * 4;
      all++;
      for (const k of shades) {
        if ([0, 1, 2].every((c) => Math.abs(img.data[i + c]! - Math.round(rgb[c]! * k)) <= 3)) {
          hit++;
          break;
        }
      }
    }
  }
  return hit / Math.max(1, all);
}

describe('kiosk map with a local tiles file', () => {
  for (const [file, rgb, credit] of [
    ['cph.mbtiles', MB_RGB, '© Testkort MBTiles'],
    ['cph.pmtiles', PM_RGB, '© Testkort PMTiles'],
  ] as const) {
    it(`draws the raster tiles of ${file} with its attribution, axe-clean`, {
      timeout: 240_000,
    }, async () => {
      const s = await serve(file);
      try {
        const page = await openMap(s.ui.url);
        const map = page.locator('[data-view="map"] .map-wrap');
        await expect.poll(() => map.getAttribute('data-basemap'), { timeout: 60_000 }).toBe('tiles');
        // Every tile the map asked for has loaded, from the agent's /tiles/, as a real image.
        await expect
          .poll(
            async () => {
              const imgs = await tileImgs(page, '[data-view="map"]');
              return imgs.length >= 4 && imgs.every((i) => i.complete && i.w === 256);
            },
            { timeout: 60_000, interval: 500 },
          )
          .toBe(true);
        const imgs = await tileImgs(page, '[data-view="map"]');
        for (const i of imgs)
          expect(i.src).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tiles\/15\/\d+\/\d+\.png\?v=[0-9a-f]{16}$/);
        expect(s.tiles.status()).toMatchObject({ state: 'ok', errors: 0 });
        expect(s.tiles.status().served).toBeGreaterThanOrEqual(imgs.length);
        const attribution = await page.textContent('[data-view="map"] .leaflet-control-attribution');
        expect(attribution).toContain(credit);
        expect(attribution).toContain('OpenStreetMap');
        // Markers stay above the tiles and the tiles really are on screen.
        expect(await page.locator('[data-view="map"] .leaflet-marker-icon').count()).toBeGreaterThan(3);
        const box = (await map.boundingBox())!;
        const path = await shot(page, 'street-kiosk', `map-tiles-${file.split('.')[1]}`, 'da');
        expect(colourShare(await readFile(path), box, rgb)).toBeGreaterThan(0.4);
        expect(await axe(page)).toEqual([]);

        // The event detail's venue map uses the same tiles.
        await page.locator('.bottom-nav').getByRole('button', { name: 'Begivenheder', exact: true }).click();
        await page.waitForSelector('[data-view="events"]');
        await page.locator('.event-item').first().click();
        await page.waitForSelector('.event-detail .leaflet-container', { timeout: 60_000 });
        await expect
          .poll(
            async () => {
              const ev = await tileImgs(page, '.event-detail');
              return ev.length > 0 && ev.every((i) => i.complete && i.w === 256);
            },
            { timeout: 60_000, interval: 500 },
          )
          .toBe(true);
        await page.context().close();
      } finally {
        await s.close();
      }
    });
  }

  it('dims raster tiles at night', { timeout: 180_000 }, async () => {
    const s = await serve('cph.pmtiles');
    try {
      const page = await openPage(browser, `${s.ui.url}/?theme=night`, 'street-kiosk');
      await page.waitForSelector('[data-view="attract"]', { timeout: 60_000 });
      await page.locator('.attract-invite').click();
      await page.locator('.bottom-nav').getByRole('button', { name: 'Kort', exact: true }).click();
      await page.waitForSelector('[data-view="map"] img.leaflet-tile-loaded', { timeout: 60_000 });
      const filter = await page.$eval('[data-view="map"] .file-tiles', (e) => getComputedStyle(e).filter);
      expect(filter).toContain('brightness(0.6)');
      // The credits keep the night colours (dark box, light text), not leaflet.css's white box.
      const credits = await page.$eval('[data-view="map"] .leaflet-control-attribution', (e) => {
        const c = getComputedStyle(e);
        return [c.backgroundColor, c.color];
      });
      expect(credits).toEqual(['rgb(21, 28, 36)', 'rgb(242, 245, 248)']);
      await shot(page, 'street-kiosk', 'map-tiles-night', 'da');
      expect(await axe(page)).toEqual([]);
      await page.context().close();
    } finally {
      await s.close();
    }
  });

  for (const [file, credit] of [
    ['vector.pmtiles', '© Vektor PMTiles'],
    ['vector.mbtiles', '© Vektor MBTiles'],
  ] as const) {
    it(`draws the vector tiles of ${file} on canvas, axe-clean`, { timeout: 240_000 }, async () => {
      const s = await serve(file);
      try {
        const page = await openMap(s.ui.url);
        const map = page.locator('[data-view="map"] .map-wrap');
        await expect.poll(() => map.getAttribute('data-basemap'), { timeout: 60_000 }).toBe('tiles');
        await page.waitForSelector('[data-view="map"] canvas.leaflet-tile', { timeout: 60_000 });
        const box = (await map.boundingBox())!;
        // The park colour (only the vector style has it) covers about half of the map once drawn.
        let share = 0;
        await expect
          .poll(
            async () => {
              share = colourShare(await page.screenshot(), box, [0xcf, 0xe5, 0xc4], [1]);
              return share;
            },
            { timeout: 60_000, interval: 1000 },
          )
          .toBeGreaterThan(0.25);
        expect(share).toBeLessThan(0.75); // and the water half is there too
        const attribution = await page.textContent('[data-view="map"] .leaflet-control-attribution');
        expect(attribution).toContain(credit);
        expect(attribution).not.toContain('Protomaps'); // the file's credit, not the library's default
        expect(await page.locator('[data-view="map"] .leaflet-control-attribution a').count()).toBe(0);
        expect(s.tiles.status()).toMatchObject({ state: 'ok', format: 'pbf', errors: 0 });
        expect(s.tiles.status().served).toBeGreaterThan(0);
        await shot(page, 'street-kiosk', `map-tiles-vector-${file.split('.')[1]}`, 'da');
        expect(await axe(page)).toEqual([]);
        await page.context().close();
      } finally {
        await s.close();
      }
    });
  }

  for (const [file, state] of [
    ['broken.pmtiles', 'error'],
    ['missing.mbtiles', 'error'],
  ] as const) {
    it(`falls back to the built-in base map for ${file} and reports ${state}`, {
      timeout: 180_000,
    }, async () => {
      const s = await serve(file);
      try {
        expect(s.tiles.status().state).toBe(state);
        const page = await openMap(s.ui.url);
        await page.waitForSelector('[data-view="map"] path.land');
        // Give a late metadata answer the chance to switch the map (it must not).
        await page.waitForTimeout(1000);
        expect(await page.getAttribute('[data-view="map"] .map-wrap', 'data-basemap')).toBe('geojson');
        expect(await tileImgs(page, '[data-view="map"]')).toEqual([]);
        expect(await page.locator('[data-view="map"] path.land').count()).toBeGreaterThan(0);
        expect(await page.textContent('[data-view="map"] .leaflet-control-attribution')).toContain(
          'OpenStreetMap',
        );
        if (file === 'broken.pmtiles') await shot(page, 'street-kiosk', 'map-tiles-fallback', 'da');
        await page.context().close();
      } finally {
        await s.close();
      }
    });
  }
});
