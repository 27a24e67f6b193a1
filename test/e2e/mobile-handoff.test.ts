/**
 * Hand-off: a street kiosk (the agent's real UI server with the built renderer) shows a QR code on each
 * data view; the code, read back from a screenshot with jsQR, opens the same stop, bath or zone on a
 * phone-sized page against the real control server, in the kiosk's language, with nothing screen- or
 * person-specific in it.
 */
import { join } from 'node:path';
import jsqrModule from 'jsqr';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskState } from '../../kiosk/bridge/types.ts';
import { demoState } from '../../kiosk/renderer/src/fixtures/demo-state.ts';
import { type TransportSnapshot, feedSnapshotSchemas, filters, parseTopic } from '../../protocol/index.ts';
import { launch, openPage } from './support/browser.ts';
import { type FixtureAgent, startFixtureAgent } from './support/fixture-agent.ts';
import { axe } from './support/ui.ts';
import { MOBILE_SHOTS, mobileShot, phone, startMobileServer } from './support/mobile.ts';

// jsqr is CommonJS whose typings declare an ES default export: under NodeNext the callable is `.default`.
const jsQR = (
  jsqrModule as unknown as {
    default: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
  }
).default;

let browser: Browser;
let srv: Awaited<ReturnType<typeof startMobileServer>>;
let agent: FixtureAgent;
const live: KioskState['feeds'] = { transport: {}, parking: {}, water: {}, events: {} };

const NAV = {
  transport: { de: 'Abfahrten', en: 'Departures' },
  water: { de: 'Hafenbäder', en: 'Harbour baths' },
  parking: { de: 'Parken', en: 'Parking' },
} as const;

/** The server's retained feed snapshots, read as the public identity (what phones will see). */
async function readLiveFeeds(wsUrl: string): Promise<void> {
  const c = await mqtt.connectAsync(wsUrl, { username: 'public', clientId: 'public:handoff-test' });
  c.on('message', (topic, payload) => {
    const t = parseTopic(topic);
    if (t?.kind !== 'feed' || payload.length === 0) return;
    const r = feedSnapshotSchemas[t.feed].safeParse(JSON.parse(payload.toString('utf8')));
    if (r.success) (live[t.feed] as Record<string, unknown>)[t.id] = r.data;
  });
  await c.subscribeAsync(filters.allFeeds);
  const deadline = Date.now() + 30_000;
  const count = () =>
    Object.keys(live.transport).length * Object.keys(live.water).length * Object.keys(live.parking).length;
  while (count() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (count() === 0) throw new Error('the demo feeds did not arrive');
  await c.endAsync();
}

async function decodeQr(page: Page, selector: string): Promise<string> {
  const el = page.locator(selector).first();
  await el.scrollIntoViewIfNeeded();
  const png = PNG.sync.read(await el.screenshot({ path: join(MOBILE_SHOTS, 'handoff-qr.png') }));
  const code = jsQR(
    new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    png.width,
    png.height,
  );
  if (!code) throw new Error('no QR code found in the screenshot');
  return code.data;
}

beforeAll(async () => {
  srv = await startMobileServer();
  await readLiveFeeds(srv.server.wsUrl!);
  const state = demoState(Date.now());
  state.feeds = live;
  state.config = {
    ...state.config!,
    mobileBaseUrl: `${srv.server.httpUrl}/m/`,
    feeds: {
      transport: Object.keys(live.transport),
      water: Object.keys(live.water),
      parking: Object.keys(live.parking),
      events: Object.keys(live.events),
    },
  };
  delete state.feedFreshness;
  agent = await startFixtureAgent(state);
  browser = await launch();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await agent?.close();
  await srv?.close();
});

describe('kiosk to phone hand-off', () => {
  for (const [view, lang] of [
    ['transport', 'en'],
    ['water', 'de'],
    ['parking', 'en'],
  ] as const) {
    it(`the ${view} QR code on the kiosk (${lang}) opens the same place on a phone`, {
      timeout: 120_000,
    }, async () => {
      const kiosk = await openPage(browser, `${agent.url}?theme=day`, 'street-kiosk');
      await kiosk.waitForSelector('[data-view="attract"]');
      await kiosk.locator('.attract-invite').click();
      await kiosk
        .locator('.lang-switch')
        .getByRole('button', { name: lang === 'de' ? 'Deutsch' : 'English' })
        .click();
      await kiosk.locator('.bottom-nav').getByRole('button', { name: NAV[view][lang], exact: true }).click();
      await kiosk.waitForSelector(`[data-view="${view}"] .handoff .qr`);
      const card = kiosk.locator(`[data-view="${view}"] .panel:has(.handoff)`).first();
      const name = (await card.locator('.panel-title').textContent())?.trim();
      expect(name).toBeTruthy();
      const url = await decodeQr(kiosk, `[data-view="${view}"] .handoff .qr`);
      expect(url).toBe(await card.locator('.handoff').getAttribute('data-handoff'));
      expect(url).toMatch(new RegExp(`^${srv.server.httpUrl}/m/#/${view}/[a-z0-9-]+\\?lang=${lang}$`));
      expect(url).not.toContain(agent.state().screenId);
      const line =
        view === 'transport'
          ? (await card.locator('.dep .dep-line .num').first().textContent())?.trim()
          : null;
      await kiosk.screenshot({ path: join(MOBILE_SHOTS, `handoff-kiosk-${view}-${lang}.png`) });
      expect(await axe(kiosk)).toEqual([]); // the code and its caption keep the kiosk accessible
      await kiosk.context().close();

      const ctx = await phone(browser);
      const page = await ctx.newPage();
      await page.goto(url);
      await page.waitForSelector(`[data-view="${view}"] .panel-title`, { timeout: 30_000 });
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect((await page.locator('.panel-title').first().textContent())?.trim()).toBe(name);
      if (line) {
        const lines = await page.locator('.dep .dep-line .num').allTextContents();
        expect(lines).toContain(line);
        const snap = Object.values(live.transport).find((s: TransportSnapshot) => s.stopName === name);
        expect(snap).toBeDefined();
      }
      await mobileShot(page, `handoff-phone-${view}-${lang}`);
      await ctx.close();
    });
  }
  it('the QR code of an event on the kiosk opens the same event on a phone', {
    timeout: 120_000,
  }, async () => {
    const kiosk = await openPage(browser, `${agent.url}?theme=day&lang=en`, 'street-kiosk');
    await kiosk.waitForSelector('[data-view="attract"]');
    await kiosk.locator('.attract-invite').click();
    await kiosk.locator('.bottom-nav').getByRole('button', { name: 'Events', exact: true }).click();
    await kiosk.getByRole('button', { name: 'This week', exact: true }).click();
    await kiosk.locator('.event-item').first().click();
    await kiosk.waitForSelector('.event-detail .handoff .qr');
    const title = (await kiosk.locator('#event-title').textContent())?.trim();
    const url = await decodeQr(kiosk, '.event-detail .handoff .qr');
    expect(url).toMatch(new RegExp(`^${srv.server.httpUrl}/m/#/events/[a-z0-9-]+/[^?]+\\?lang=en$`));
    await kiosk.context().close();

    const ctx = await phone(browser);
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForSelector('.event-detail #event-title', { timeout: 30_000 });
    expect((await page.locator('#event-title').textContent())?.trim()).toBe(title);
    await mobileShot(page, 'handoff-phone-event-en');
    await ctx.close();
  });
});
