import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePayloads } from '../../protocol/samples.ts';
import type { z } from 'zod';
import { encodePayload, TransportSnapshotSchema, topics } from '../../protocol/index.ts';
import { silentLogger } from '../../control-server/log.ts';
import { type StanderServer, startServer } from '../../control-server/server.ts';
import { launch } from './support/browser.ts';

/**
 * The Content-Security-Policy headers of the dashboard, the kiosk preview and the mobile companion,
 * in a real Chromium against the real server: every page of the dashboard (with the slide preview
 * rendering the real kiosk renderer in its iframe, the leaflet map, the charts) and the mobile app
 * (MQTT over WebSocket, service worker) work with no CSP violation, in any frame. The Feeds page still
 * shows a failing source's error text, which /healthz no longer gives to anyone.
 */
const PASSWORD = 'csp-e2e-admin-password';
const STOP = '8600626';
const FEED_ERROR = 'fetch https://feeds.example.internal/gtfs-rt: HTTP 503';
let dir: string;
let server: StanderServer;
let browser: Browser;
let token: string;
let campaignId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stander-csp-'));
  server = await startServer({
    dataDir: join(dir, 'server'),
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    adminPassword: PASSWORD,
    log: silentLogger(),
    feeds: async () => ({
      status: () => ({
        sources: [
          {
            id: 'metro-rt',
            kind: 'transport',
            format: 'gtfs-rt',
            demo: false,
            lastSuccessAt: null,
            lastErrorAt: new Date().toISOString(),
            lastError: FEED_ERROR,
            consecutiveFailures: 2,
            itemCount: 0,
            nextPollAt: null,
          },
        ],
      }),
      close: async () => undefined,
    }),
  });
  // A fresh retained departures board, so the mobile app has live data over its MQTT channel.
  const now = Date.now();
  const transport = {
    ...samplePayloads()['feed-transport'],
    observedAt: new Date(now).toISOString(),
    fetchedAt: new Date(now).toISOString(),
    departures: [5, 12].map((m) => ({
      line: '5C',
      mode: 'bus',
      direction: 'Lufthavnen',
      plannedAt: new Date(now + m * 60_000).toISOString(),
      expectedAt: new Date(now + m * 60_000).toISOString(),
      delayS: 0,
      track: null,
      cancelled: false,
    })),
  };
  await server.bus.publish(
    topics.feed('transport', STOP),
    encodePayload(TransportSnapshotSchema, transport as z.input<typeof TransportSnapshotSchema>),
    { retain: true, qos: 1 },
  );
  const login = await fetch(`${server.httpUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  token = ((await login.json()) as { token: string }).token;
  const r = await fetch(`${server.httpUrl}/api/v1/campaigns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'CSP probe',
      target: { all: true },
      slides: [{ kind: 'text', title: { en: 'Harbour swim week', da: 'Havnebadeuge' }, durationS: 5 }],
    }),
  });
  expect(r.status).toBe(201);
  campaignId = ((await r.json()) as { id: string }).id;
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Records every CSP violation of every frame (init scripts run in iframes too) and CSP console errors. */
async function watched(ctx: BrowserContext): Promise<{ page: Page; violations: string[] }> {
  const violations: string[] = [];
  await ctx.exposeBinding('__cspViolation', ({ frame }, text: string) => {
    violations.push(`${frame.url()}: ${text}`);
  });
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __cspViolation?: (t: string) => void }).__cspViolation;
      report?.(
        `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) violations.push(m.text());
  });
  return { page, violations };
}

describe('Content-Security-Policy in the browser', () => {
  it('the dashboard: every page, the slide preview iframe, the map and the Feeds errors, without a violation', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    const { page, violations } = await watched(ctx);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${server.httpUrl}/`);
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('nav[aria-label]');

    // The preview: the real renderer in an iframe at /kiosk-preview/, fed by postMessage.
    await page.goto(`${server.httpUrl}/campaigns/${campaignId}`);
    const frame = page.frameLocator('iframe[data-profile="info-screen"]');
    await frame
      .getByText(/Harbour swim week|Havnebadeuge/)
      .first()
      .waitFor({ timeout: 30_000 });

    // The Feeds page shows the failing source's error (from the authenticated /api/v1/feeds/health).
    await page.goto(`${server.httpUrl}/feeds`);
    await page.getByTestId('feed-sources').getByText(FEED_ERROR).waitFor({ timeout: 20_000 });
    const healthz = await (await fetch(`${server.httpUrl}/healthz`)).text();
    expect(healthz).not.toContain('feeds.example.internal');

    for (const p of ['/fleet', '/alerts', '/whats-playing', '/plays', '/audit', '/users', '/campaigns']) {
      await page.goto(`${server.httpUrl}${p}`);
      await page.waitForSelector('main h1', { timeout: 20_000 });
    }
    await page.goto(`${server.httpUrl}/fleet`);
    await page.waitForSelector('.leaflet-container', { timeout: 20_000 });
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('a page of another origin cannot frame the dashboard (a JSON route beside it can)', async () => {
    const ctx = await browser.newContext();
    const { page } = await watched(ctx);
    // about:blank (an opaque origin) frames the dashboard, and /healthz as the control.
    await page.setContent(
      `<iframe name="dash" src="${server.httpUrl}/"></iframe><iframe name="control" src="${server.httpUrl}/healthz"></iframe>`,
    );
    await expect
      .poll(
        async () =>
          (await page
            .frame({ name: 'control' })
            ?.locator('body')
            .textContent()
            .catch(() => '')) ?? '',
        {
          timeout: 20_000,
        },
      )
      .toContain('"ok":true');
    await page.waitForTimeout(1000);
    const dash = page.frame({ name: 'dash' });
    expect(
      await dash
        ?.locator('input, #root')
        .count()
        .catch(() => 0),
    ).toBe(0);
    await ctx.close();
  });

  it('the mobile companion: live data over MQTT-over-WebSocket and its service worker, without a violation', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      locale: 'en-GB',
      timezoneId: 'Europe/Copenhagen',
    });
    const { page, violations } = await watched(ctx);
    let mqttFrames = 0;
    page.on('websocket', (ws) => {
      if (ws.url().endsWith('/mqtt')) ws.on('framereceived', () => mqttFrames++);
    });
    const res = await page.goto(`${server.httpUrl}/m/#/transport/${STOP}?lang=en`);
    expect(res?.headers()['content-security-policy']).toContain("connect-src 'self'");
    await page.waitForSelector('[data-view="transport"] .stop-board .dep', { timeout: 30_000 });
    expect(mqttFrames).toBeGreaterThan(0);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 20_000 })
      .toBe(true);
    expect(violations).toEqual([]);
    await ctx.close();
  });
});
