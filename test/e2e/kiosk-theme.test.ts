import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskState } from '../../kiosk/bridge/types.ts';
import { demoState } from '../../kiosk/renderer/src/fixtures/demo-state.ts';
import { themeAt } from '../../kiosk/renderer/src/lib/sun.ts';
import { launch, openPage } from './support/browser.ts';
import { type FixtureAgent, startFixtureAgent } from './support/fixture-agent.ts';
import { axe, shot } from './support/ui.ts';

/**
 * The day/night theme driven by the ambient light reading in the agent's state: the real UI server
 * and built renderer, Chromium, a fixture agent whose state carries `ambient`. `?themeHoldS=2`
 * shortens the renderer's confirmation and hold times (20 s and 2 min on a screen) to 2 s.
 */

let browser: Browser;
let agent: FixtureAgent;

function withLux(lux: number | null, at = Date.now(), patch: (s: KioskState) => void = () => {}) {
  const s = demoState(Date.now());
  s.ambient = lux === null ? null : { lux, at: new Date(at).toISOString() };
  patch(s);
  return s;
}

const theme = (p: Page) => p.evaluate(() => document.documentElement.dataset.theme ?? null);
const source = (p: Page) => p.evaluate(() => document.documentElement.dataset.themeSource ?? null);

beforeAll(async () => {
  agent = await startFixtureAgent(withLux(5000));
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await agent?.close();
});

describe('day/night theme from the ambient light sensor', () => {
  it('switches data-theme with the lux, holds inside the hysteresis band, and stays axe-clean at 7:1', {
    timeout: 240_000,
  }, async () => {
    agent.setState(withLux(5000));
    const page = await openPage(browser, `${agent.url}?lang=en&themeHoldS=2`, 'street-kiosk');
    await page.waitForSelector('[data-view="attract"]');
    await page.locator('.attract-invite').click();
    await page.locator('.bottom-nav').getByRole('button', { name: 'Departures', exact: true }).click();
    await page.waitForSelector('[data-view="transport"]');
    await expect.poll(() => theme(page)).toBe('day');
    expect(await source(page)).toBe('sensor');
    const dayBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const problems = (await axe(page)).map((p) => `day ${p}`);
    await shot(page, 'street-kiosk', 'theme-day', 'en');

    // Dusk: the sensor reads 3 lux. After the (shortened) confirmation and hold the UI turns night.
    agent.setState(withLux(3));
    await expect.poll(() => theme(page), { timeout: 30_000 }).toBe('night');
    expect(await source(page)).toBe('sensor');
    await expect
      .poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor))
      .not.toBe(dayBg);
    expect(await theme(page)).toBe('night');
    await page.waitForSelector('[data-view="transport"]');
    problems.push(...(await axe(page)).map((p) => `night ${p}`));
    await shot(page, 'street-kiosk', 'theme-night', 'en');

    // 30 lux is inside the band (night below 15, day above 50): it stays night, well past the waits.
    agent.setState(withLux(30));
    await page.waitForTimeout(6000);
    expect(await theme(page)).toBe('night');
    // Light again: day.
    agent.setState(withLux(2000));
    await expect.poll(() => theme(page), { timeout: 30_000 }).toBe('day');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('falls back to sunrise and sunset without a reading or with a stale one, and obeys the config', {
    timeout: 120_000,
  }, async () => {
    const sun = themeAt(Date.now());
    const other = sun === 'day' ? 'night' : 'day';
    // A fresh reading that says the opposite of the sun: the sensor wins.
    agent.setState(withLux(other === 'day' ? 5000 : 1));
    const page = await openPage(browser, `${agent.url}?lang=en&themeHoldS=2`, 'street-kiosk');
    await page.waitForSelector('[data-view="attract"]');
    await expect.poll(() => theme(page)).toBe(other);
    // The same reading, but measured ten minutes ago: the sensor is not trusted, the sun decides.
    agent.setState(withLux(other === 'day' ? 5000 : 1, Date.now() - 10 * 60_000));
    await expect.poll(() => source(page)).toBe('sun');
    expect(await theme(page)).toBe(sun);
    // No sensor at all.
    agent.setState(withLux(null));
    await page.waitForTimeout(1500);
    expect(await source(page)).toBe('sun');
    expect(await theme(page)).toBe(sun);
    // A malformed reading is treated as none.
    const bad = withLux(null);
    (bad as unknown as { ambient: unknown }).ambient = { lux: 'bright', at: 'now' };
    agent.setState(bad);
    await page.waitForTimeout(1500);
    expect(await theme(page)).toBe(sun);
    // The screen's config fixes the theme, whatever the sensor says.
    agent.setState(
      withLux(other === 'day' ? 5000 : 1, Date.now(), (s) => {
        s.config = { ...s.config!, theme: sun };
      }),
    );
    await expect.poll(() => source(page)).toBe('override');
    expect(await theme(page)).toBe(sun);
    await page.context().close();
  });
});
