/**
 * The mobile companion at phone size (360x740, touch) against a real control server running the demo
 * feeds: every view in da/en/de, live data over the public MQTT channel, axe-clean (WCAG 2.2 AA).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../control-server/metrics.ts';
import { launch } from './support/browser.ts';
import { LANGS, mobileShot, phone, startMobileServer } from './support/mobile.ts';
import { axe } from './support/ui.ts';

let browser: Browser;
let srv: Awaited<ReturnType<typeof startMobileServer>>;

const TITLES = {
  transport: { da: 'Afgange', en: 'Departures', de: 'Abfahrten' },
  water: { da: 'Havnebade', en: 'Harbour baths', de: 'Hafenbäder' },
} as const;

beforeAll(async () => {
  srv = await startMobileServer();
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('mobile companion views', () => {
  it('serves the app shell under /m/ with the right types and cache headers', async () => {
    const base = `${srv.server.httpUrl}/m/`;
    const index = await fetch(base);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const js = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(js).toBeTruthy();
    const asset = await fetch(`${base}${js}`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const sw = await fetch(`${base}sw.js`);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('service-worker-allowed')).toBe('/m/');
    const manifest = await fetch(`${base}manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toMatch(/application\/manifest\+json/);
    const icon = await fetch(`${base}icon-192.png`);
    expect(icon.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await icon.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const hit = await fetch(`${base}hit/transport`, { method: 'POST' });
    expect(hit.status).toBe(204);
    await fetch(`${base}hit/not-a-view`, { method: 'POST' }); // counted under no label
    const counted = await registry.getSingleMetricAsString('stander_mobile_views_total');
    expect(counted).toMatch(/stander_mobile_views_total\{[^}]*view="transport"[^}]*\} [1-9]/);
    expect(counted).not.toContain('not-a-view');
  });

  for (const lang of LANGS) {
    it(`shows home, a stop, a bath, a zone, events, an event and the map in ${lang}, axe-clean`, {
      timeout: 180_000,
    }, async () => {
      const ctx = await phone(browser);
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const problems: string[] = [];
      const check = async (name: string) => {
        await mobileShot(page, `${name}-${lang}`);
        problems.push(...(await axe(page)).map((p) => `${name}/${lang} ${p}`));
      };

      await page.goto(`${srv.server.httpUrl}/m/#/?lang=${lang}`);
      await page.locator('#m-list-transport + ul .m-place').first().waitFor({ timeout: 30_000 });
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      await check('home');

      // A stop, from the home list: its name and departures, counting down, with freshness.
      await page.locator('#m-list-transport + ul .m-place').first().click();
      await page.waitForSelector('[data-view="transport"] .stop-board .dep');
      await expect.poll(() => page.locator('.m-title').textContent()).toBe(TITLES.transport[lang]);
      expect(await page.locator('.stop-board .fresh').count()).toBe(1);
      expect(page.url()).toMatch(new RegExp(`#/transport/[^?]+\\?lang=${lang}$`));
      await check('transport');

      const waterTab = page.locator('.m-nav a[href^="#/water"]');
      expect(await waterTab.getAttribute('href')).toBe(`#/water?lang=${lang}`);
      await waterTab.click();
      await expect.poll(() => page.locator('#m-list-water').textContent()).toBe(TITLES.water[lang]);
      await page.locator('[data-view="water"] .m-place').first().click();
      await page.waitForSelector('[data-view="water"] .water-card .big-num');
      await check('water');

      await page.goto(`${srv.server.httpUrl}/m/#/parking?lang=${lang}`);
      await page.locator('[data-view="parking"] .m-place').first().click();
      await page.waitForSelector('[data-view="parking"] .park-card .big-num');
      await check('parking');

      await page.goto(`${srv.server.httpUrl}/m/#/events?lang=${lang}`);
      await page.locator('[data-view="events"] .m-place').first().waitFor();
      await check('events');
      await page.locator('[data-view="events"] .m-place').first().click();
      await page.waitForSelector('.event-detail #event-title');
      await check('event');

      await page.goto(`${srv.server.httpUrl}/m/#/map?lang=${lang}`);
      await page.waitForSelector('[data-view="map"] .leaflet-container');
      await check('map');

      expect(errors).toEqual([]);
      expect(problems).toEqual([]);
      await ctx.close();
    });
  }
});

describe('mobile companion near the visitor', () => {
  it('orders places by distance once the visitor shares their position', { timeout: 90_000 }, async () => {
    const ctx = await phone(browser, 'en-GB');
    // Standing on the quay at Islands Brygge.
    await ctx.grantPermissions(['geolocation'], { origin: srv.server.httpUrl });
    await ctx.setGeolocation({ latitude: 55.6636, longitude: 12.5773 });
    const page = await ctx.newPage();
    await page.goto(`${srv.server.httpUrl}/m/#/?lang=en`);
    await page.locator('#m-list-water + ul .m-place').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.m-place-dist').count()).toBe(0);
    await page.getByRole('button', { name: 'Use my location' }).click();
    await page.locator('.m-place-dist').first().waitFor();
    const first = page.locator('#m-list-water + ul .m-place').first();
    expect(await first.locator('.m-place-name').textContent()).toBe('Havnebadet Islands Brygge');
    expect(await first.locator('.m-place-dist').textContent()).toMatch(/^\d+ m$/);
    const dists = await page.locator('#m-list-water + ul .m-place-dist').allTextContents();
    const metres = dists.map((d) => (d.endsWith(' km') ? Number.parseFloat(d) * 1000 : Number.parseFloat(d)));
    expect([...metres].sort((a, b) => a - b)).toEqual(metres);
    await mobileShot(page, 'home-located-en');
    expect(await axe(page)).toEqual([]);
    await ctx.close();
  });
});
