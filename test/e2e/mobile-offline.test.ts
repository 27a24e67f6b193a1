/**
 * Offline: the service worker serves the app shell with the network gone, and the app shows the last
 * data it received (kept on the phone) marked with its age.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './support/browser.ts';
import { mobileShot, phone, startMobileServer } from './support/mobile.ts';
import { axe } from './support/ui.ts';

let browser: Browser;
let srv: Awaited<ReturnType<typeof startMobileServer>>;

beforeAll(async () => {
  srv = await startMobileServer();
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('mobile companion offline', () => {
  it('reloads without network from the service worker and shows the last departures with their age', {
    timeout: 120_000,
  }, async () => {
    const ctx = await phone(browser);
    const page = await ctx.newPage();
    await page.goto(`${srv.server.httpUrl}/m/#/transport/nyhavn?lang=en`);
    await page.waitForSelector('[data-view="transport"] .stop-board .dep');
    const stop = await page.locator('.stop-board .panel-title').textContent();
    const line = await page.locator('.stop-board .dep .dep-line .num').first().textContent();
    expect(await page.locator('.m-offline').count()).toBe(0);
    // The worker has installed (app shell precached) and controls the page; the data was saved.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout: 20_000,
      })
      .toBe(true);
    await expect
      .poll(
        () =>
          page.evaluate(() => localStorage.getItem('stander.mobile.feeds.v1')?.includes('nyhavn') ?? false),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);

    await ctx.setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-view="transport"] .stop-board .dep');
    expect(await page.locator('.stop-board .panel-title').textContent()).toBe(stop);
    expect(await page.locator('.stop-board .dep .dep-line .num').first().textContent()).toBe(line);
    const banner = page.locator('.m-offline');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/^No connection\. Not updated since \d{2}[:.]\d{2}$/);
    await mobileShot(page, 'offline-transport-en');
    expect(await axe(page)).toEqual([]);

    // Back online: the channel reconnects and the banner goes.
    await ctx.setOffline(false);
    await expect.poll(() => page.locator('.m-offline').count(), { timeout: 30_000 }).toBe(0);
    await ctx.close();
  });
});
