import { launch } from './support/browser.ts';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger as agentLog } from '../../kiosk/agent/log.ts';
import { silentLogger } from '../../control-server/log.ts';
import { type StanderServer, startServer } from '../../control-server/server.ts';
import type { ScreenCreate } from '../../protocol/index.ts';

/**
 * The dashboard's end-to-end harness: the real control server (port 0, fresh data dir), real kiosk
 * agents connected to it, each with its real renderer open in Chromium (that page is the agent's
 * "shell": it answers screenshot commands), and a Chromium for the dashboard itself.
 */
const REPO = join(import.meta.dirname, '../..');
export const SHOTS = join(REPO, 'test-results/dashboard');
export const ADMIN_PASSWORD = 'admin-e2e-password';
export const USERS = {
  operator: { username: 'olga', password: 'operator-pass-1', role: 'operator' },
  technician: { username: 'theo', password: 'technician-pass-1', role: 'technician' },
} as const;

export const SCREENS: Array<ScreenCreate & { id: string; agent: boolean }> = [
  {
    id: 'nyhavn-kiosk',
    name: 'Nyhavn kiosk',
    profile: 'street-kiosk',
    location: { lat: 55.6798, lon: 12.5911 },
    groups: ['harbour'],
    tags: ['tourist'],
    agent: true,
  },
  {
    id: 'brygge-info',
    name: 'Islands Brygge info-screen',
    profile: 'info-screen',
    location: { lat: 55.6637, lon: 12.5787 },
    groups: ['harbour'],
    tags: ['bath'],
    agent: true,
  },
  {
    id: 'radhus-parking',
    name: 'Rådhuspladsen parking post',
    profile: 'parking-post',
    location: { lat: 55.6759, lon: 12.5691 },
    groups: ['center'],
    tags: [],
    agent: false,
  },
];

export interface Screen {
  id: string;
  token: string;
  agent: AgentHandle | null;
  hardware: SimulatedHardware;
  ui: Page | null;
}

export interface Harness {
  server: StanderServer;
  url: string;
  browser: Browser;
  adminToken: string;
  screens: Screen[];
  close(): Promise<void>;
}

/** Builds the dashboard and renderer if their sources are newer than the bundles. */
export function ensureBuilt(): void {
  const r = spawnSync('node', ['scripts/build.mjs', '--if-stale'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

/** The shared Chromium launcher of the e2e tests (Debian's Chromium, safe flags). */
export const launchBrowser = launch;

export async function api<T>(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** `feeds`: run the feed poller on the demo sources of content/feeds.json. */
export async function startHarness(opts: { feeds?: boolean } = {}): Promise<Harness> {
  ensureBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'stander-dash-e2e-'));
  const server = await startServer({
    dataDir: join(dir, 'server'),
    httpPort: 0,
    mqttPort: 0,
    host: '127.0.0.1',
    adminPassword: ADMIN_PASSWORD,
    log: silentLogger(),
    ...(opts.feeds ? { feeds: true, feedsConfig: join(REPO, 'content/feeds.json') } : {}),
  });
  const url = server.httpUrl;
  const login = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const adminToken = ((await login.json()) as { token: string }).token;
  for (const u of Object.values(USERS)) {
    const r = await api(url, adminToken, 'POST', '/api/v1/users', u);
    if (r.status !== 201) throw new Error(`user ${u.username}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const browser = await launchBrowser();
  const screens: Screen[] = [];
  for (const s of SCREENS) {
    const { agent: withAgent, ...body } = s;
    const r = await api<{ id: string; token: string }>(url, adminToken, 'POST', '/api/v1/screens', body);
    if (r.status !== 201) throw new Error(`screen ${s.id}: ${r.status} ${JSON.stringify(r.body)}`);
    const hardware = new SimulatedHardware();
    if (!withAgent) {
      screens.push({ id: r.body.id, token: r.body.token, agent: null, hardware, ui: null });
      continue;
    }
    const agent = await startAgent({
      screenId: r.body.id,
      token: r.body.token,
      serverUrl: url,
      mqttUrl: server.mqttUrl,
      cacheDir: join(dir, `agent-${s.id}`),
      uiPort: 0,
      hardware,
      log: agentLog,
      playsIntervalMs: 3000,
      reconnect: { minMs: 200, maxMs: 2000 },
      download: { retryBaseMs: 200, retryMaxMs: 2000 },
    });
    const size =
      s.profile === 'street-kiosk'
        ? { width: 540, height: 960 }
        : s.profile === 'info-screen'
          ? { width: 960, height: 540 }
          : { width: 800, height: 480 };
    const ctx = await browser.newContext({
      viewport: size,
      reducedMotion: 'reduce',
      timezoneId: 'Europe/Copenhagen',
    });
    const ui = await ctx.newPage();
    await ui.goto(`${agent.uiUrl}/?profile=${s.profile}`);
    agent.setShell({ takeScreenshot: async () => ui.screenshot({ type: 'png' }) });
    screens.push({ id: r.body.id, token: r.body.token, agent, hardware, ui });
  }
  return {
    server,
    url,
    browser,
    adminToken,
    screens,
    async close() {
      await browser.close().catch(() => undefined);
      for (const s of screens) await s.agent?.close().catch(() => undefined);
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type Device = 'laptop' | 'tablet';
const VIEWPORTS: Record<Device, { width: number; height: number }> = {
  laptop: { width: 1440, height: 900 },
  tablet: { width: 820, height: 1180 },
};

/** A fresh browser context on the dashboard, logged in through the login form. */
export async function loginAs(
  h: Harness,
  who: { username: string; password: string },
  opts: { device?: Device; lang?: 'en' | 'da' } = {},
): Promise<{ page: Page; ctx: BrowserContext; errors: string[] }> {
  const ctx = await h.browser.newContext({
    viewport: VIEWPORTS[opts.device ?? 'laptop'],
    reducedMotion: 'reduce',
    timezoneId: 'Europe/Copenhagen',
    locale: opts.lang === 'da' ? 'da-DK' : 'en-GB',
    hasTouch: opts.device === 'tablet',
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A Content-Security-Policy violation in the page or the preview iframes is an error too.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) errors.push(m.text());
  });
  const userField = page.getByLabel(opts.lang === 'da' ? 'Brugernavn' : 'Username');
  // dist/ is shared by every test run on this machine: a parallel rebuild can briefly take the bundle
  // away (503 "not built"); one reload after it is back is enough.
  for (let attempt = 0; ; attempt++) {
    await page.goto(`${h.url}/`);
    try {
      await userField.waitFor({ timeout: 15_000 });
      break;
    } catch (e) {
      if (attempt >= 2) throw e;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
  await userField.fill(who.username);
  await page.getByLabel(opts.lang === 'da' ? 'Adgangskode' : 'Password').fill(who.password);
  await page.getByRole('button', { name: opts.lang === 'da' ? 'Log ind' : 'Sign in', exact: true }).click();
  await page.waitForSelector('nav[aria-label]');
  return { page, ctx, errors };
}

/** WCAG 2.2 A/AA violations as readable lines (empty = clean). */
export async function axe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .exclude('iframe')
    .analyze();
  return r.violations.map(
    (v) =>
      `${v.id}: ${v.help} — ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 4)
        .join(' | ')}`,
  );
}

export async function shot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

export async function waitFor<T>(
  f: () => T | Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await f();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await f();
  }
  return last;
}
